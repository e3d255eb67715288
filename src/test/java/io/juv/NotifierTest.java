package io.juv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Notifiers: triggers from any thread, coalesced, never lost at the end; single shot; ref; close. */
@Timeout(60)
class NotifierTest {

    @Test
    void eightThreadsTriggeringAHundredThousandTimesEachAreServedAtLeastOnceAfterTheLastTrigger() throws Exception {
        int threads = 8, perThread = 100_000;
        AtomicInteger finishedThreads = new AtomicInteger();
        int[] runs = {0};
        boolean[] sawAllFinished = {false};
        List<Thread> triggerers = new ArrayList<>();
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(30));
            Notifier[] n = new Notifier[1];
            n[0] = loop.notifier(() -> {
                runs[0]++;
                // Read before deciding: a run that starts after every thread finished proves the last
                // trigger was not lost. A run that started earlier cannot know it; another must follow.
                if (finishedThreads.get() == threads) {
                    sawAllFinished[0] = true;
                    n[0].close();
                    wd[0].cancel();
                }
            });
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        if (!n[0].trigger()) throw new AssertionError("a trigger was refused while open");
                    }
                    // After this thread's last trigger: the one below must also be served later.
                    finishedThreads.incrementAndGet();
                    n[0].trigger();
                }, "triggerer-" + t);
                triggerers.add(th);
                th.start();
            }
        });
        for (Thread t : triggerers) t.join(10_000);
        wd[0].assertNotFired();
        assertTrue(sawAllFinished[0]);
        assertTrue(runs[0] >= 1);
        // Coalesced: far fewer runs than the 800,000 triggers.
        assertTrue(runs[0] < threads * perThread, runs[0] + " runs");
    }

    @Test
    void triggersBeforeTheCallbackRunsCoalesceIntoOneRun() {
        int[] runs = {0};
        Loops.run(loop -> {
            Notifier[] n = new Notifier[1];
            n[0] = loop.notifier(() -> {
                // A second run would come within these 20 ms, had any trigger been left over.
                if (runs[0]++ == 0) loop.delay(Duration.ofMillis(20), n[0]::close);
            });
            for (int i = 0; i < 1000; i++) assertTrue(n[0].trigger());
        });
        assertEquals(1, runs[0], "a thousand triggers from the loop thread before it ran");
    }

    @Test
    void aTriggerOnTheLoopThreadRunsLaterNeverInline() {
        List<String> events = new ArrayList<>();
        Loops.run(loop -> {
            Notifier n = loop.notifierOnce(() -> events.add("notified"));
            n.trigger();
            events.add("returned");
        });
        assertEquals(List.of("returned", "notified"), events);
    }

    @Test
    void aSingleShotNotifierRunsOnceThenClosesAndRefusesTriggers() throws Exception {
        int[] runs = {0};
        Notifier[] n = new Notifier[1];
        CountDownLatch ran = new CountDownLatch(1);
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop);
            n[0] = loop.notifierOnce(() -> {
                runs[0]++;
                assertTrue(n[0].isClosed());
                assertFalse(n[0].trigger());
                ran.countDown();
                wd.cancel();
            });
            assertTrue(n[0].isSingleShot());
            // Triggered from another thread: the open notifier alone keeps the loop alive until then.
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    return;
                }
                n[0].trigger();
                n[0].trigger();
            });
            t.setDaemon(true);
            t.start();
        });
        assertEquals(1, runs[0]);
        assertFalse(n[0].trigger());
    }

    @Test
    void anUnreferencedNotifierDoesNotKeepTheLoopAlive() {
        Notifier[] n = new Notifier[1];
        EventLoop loop = EventLoop.create();
        try {
            // Returns at once: the notifier is open but unreferenced.
            loop.run(l -> {
                n[0] = l.notifier(() -> { });
                n[0].unref();
                assertFalse(n[0].hasRef());
            });
            assertFalse(n[0].isClosed());
            n[0].ref();
            assertTrue(n[0].hasRef());
            n[0].close();
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void closingTheLoopClosesItsNotifiersAndLaterTriggersFromAnyThreadAreRefused() {
        Notifier[] n = new Notifier[1];
        EventLoop loop = EventLoop.create();
        loop.run(l -> {
            n[0] = l.notifier(() -> { });
            n[0].unref();
        });
        Loops.closeClean(loop);
        assertTrue(n[0].isClosed());
        assertFalse(n[0].trigger());
        assertNull(Loops.onOtherThread(() -> assertFalse(n[0].trigger())));
        n[0].close();
    }

    @Test
    void aCallbackThatThrowsGoesToTheErrorPolicy() {
        List<Throwable> caught = new ArrayList<>();
        Loops.run(loop -> {
            loop.catchErrors(caught::add);
            loop.notifierOnce(() -> {
                throw new IllegalStateException("from the notifier");
            }).trigger();
        });
        assertEquals(1, caught.size());
    }
}
