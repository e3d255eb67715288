package io.juv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the one-queue-per-loop timers (internal/TimerQueue) must keep of libuv's semantics at
 * scale, beside TimerTest's cases: order among many, cancellation anywhere in the queue, the
 * repeat rule and liveness with referenced and unreferenced timers mixed.
 */
@Timeout(60)
class TimerQueueTest {

    /**
     * 100,000 timers started in one callback (so on one loop time), half of them cancelled at
     * random positions of the queue: the other half fire exactly in (delay, start order), and
     * no cancelled one fires.
     */
    @Test
    void aHundredThousandTimersHalfCancelledFireTheRestByDueTimeThenStartOrder() {
        int n = 100_000;
        Random random = new Random(7);
        long[] delays = new long[n];
        for (int i = 0; i < n; i++) delays[i] = random.nextInt(50);
        List<Integer> fired = new ArrayList<>(n / 2);
        BitSet cancelled = new BitSet(n);
        Loops.run(loop -> {
            var wd = Loops.watchdog(loop, Duration.ofSeconds(30));
            Timer[] timers = new Timer[n];
            for (int i = 0; i < n; i++) {
                int index = i;
                timers[i] = loop.delay(Duration.ofMillis(delays[i]), () -> {
                    fired.add(index);
                    if (fired.size() == n / 2) wd.cancel();
                });
            }
            List<Integer> order = new ArrayList<>(n);
            for (int i = 0; i < n; i++) order.add(i);
            java.util.Collections.shuffle(order, random);
            for (int k = 0; k < n / 2; k++) {
                int i = order.get(k);
                cancelled.set(i);
                timers[i].cancel();
                assertFalse(timers[i].isActive());
            }
            assertEquals(n / 2, loop.stats().handles(HandleKind.TIMER) - 1, "the watchdog and the queued half");
        });
        Integer[] expected = new Integer[n];
        for (int i = 0; i < n; i++) expected[i] = i;
        Arrays.sort(expected, Comparator.comparingLong((Integer i) -> delays[i]).thenComparingInt(i -> i));
        List<Integer> live = Arrays.stream(expected).filter(i -> !cancelled.get(i)).toList();
        assertEquals(live, fired);
    }

    /**
     * libuv re-arms an interval at the loop time it fired at, plus the interval: a tick that
     * overruns does not make the next ones come in a burst to catch up.
     */
    @Test
    void anOverrunningIntervalIsNotCaughtUpInABurst() {
        List<Long> ticks = new ArrayList<>();
        Loops.run(loop -> loop.interval(Duration.ofMillis(10), t -> {
            ticks.add(loop.now());
            if (ticks.size() == 1) sleep(60);
            if (ticks.size() == 4) t.cancel();
        }));
        assertEquals(4, ticks.size());
        assertTrue(ticks.get(1) - ticks.get(0) >= 60, "the second tick waited for the overrun: " + ticks);
        assertTrue(ticks.get(2) - ticks.get(1) >= 10, "one interval after the late tick, not at once: " + ticks);
        assertTrue(ticks.get(3) - ticks.get(2) >= 10, "one interval between later ticks: " + ticks);
    }

    /** Referenced and unreferenced timers mixed: the loop waits for the referenced ones only. */
    @Test
    void theLoopEndsWhenTheLastReferencedTimerHasFiredThoughUnreferencedOnesWait() {
        EventLoop loop = EventLoop.create();
        try {
            List<String> fired = new ArrayList<>();
            Timer[] waiting = new Timer[2];
            long t0 = System.nanoTime();
            loop.run(l -> {
                waiting[0] = l.delay(Duration.ofSeconds(20), () -> fired.add("unref'd delay"));
                waiting[0].unref();
                waiting[1] = l.interval(Duration.ofSeconds(20), t -> fired.add("unref'd interval"));
                waiting[1].unref();
                Timer later = l.delay(Duration.ofMillis(40), () -> fired.add("40 ms"));
                l.delay(Duration.ofMillis(20), () -> fired.add("20 ms"));
                later.unref();
                later.ref(); // back to keeping the loop alive, as a libuv handle would
            });
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "run waited for unref'd timers");
            assertEquals(List.of("20 ms", "40 ms"), fired);
            assertTrue(waiting[0].isActive() && waiting[1].isActive());
            assertEquals(2, loop.stats().handles(HandleKind.TIMER));
            waiting[0].cancel();
            waiting[1].cancel();
            assertEquals(0, loop.stats().handles(HandleKind.TIMER));
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    /** A timer that throws does not keep the others of its pass from firing. */
    @Test
    void aThrowingTimerDoesNotStopTheOthersDueWithIt() {
        List<Throwable> errors = new ArrayList<>();
        List<Integer> fired = new ArrayList<>();
        Loops.run(loop -> {
            loop.catchErrors(errors::add);
            for (int i = 0; i < 5; i++) {
                int index = i;
                loop.delay(Duration.ofMillis(5), () -> {
                    fired.add(index);
                    if (index % 2 == 0) throw new IllegalStateException("timer " + index);
                });
            }
        });
        assertEquals(List.of(0, 1, 2, 3, 4), fired);
        assertEquals(3, errors.size());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
