package io.juv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class TimerTest {

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    @Test
    void timersFireInOrderOfDelayAndEqualDelaysInStartOrder() {
        List<Integer> fired = new ArrayList<>();
        long[] delays = {50, 10, 30, 10, 0, 30, 10};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            for (int i = 0; i < delays.length; i++) {
                int index = i;
                loop.delay(ms(delays[i]), () -> {
                    fired.add(index);
                    if (fired.size() == delays.length) wd[0].cancel();
                });
            }
        });
        wd[0].assertNotFired();
        assertEquals(List.of(4, 1, 3, 6, 2, 5, 0), fired);
    }

    @Test
    void manyRandomTimersFireInDueOrder() {
        int n = 500;
        Random random = new Random(42);
        long[] delays = new long[n];
        for (int i = 0; i < n; i++) delays[i] = random.nextInt(40);
        List<Integer> fired = new ArrayList<>();
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            for (int i = 0; i < n; i++) {
                int index = i;
                loop.delay(ms(delays[i]), () -> {
                    fired.add(index);
                    if (fired.size() == n) wd[0].cancel();
                });
            }
        });
        wd[0].assertNotFired();
        assertEquals(n, fired.size());
        for (int k = 1; k < n; k++) {
            int a = fired.get(k - 1), b = fired.get(k);
            assertTrue(delays[a] < delays[b] || (delays[a] == delays[b] && a < b),
                    "timer " + b + " (" + delays[b] + " ms) fired after timer " + a + " (" + delays[a] + " ms)");
        }
    }

    @Test
    void zeroDelayFiresLaterNeverBeforeDelayReturns() {
        boolean[] returned = {false};
        boolean[] fired = {false};
        boolean[] firedBeforeReturn = {false};
        Loops.run(loop -> {
            loop.delay(Duration.ZERO, () -> {
                fired[0] = true;
                firedBeforeReturn[0] = !returned[0];
            });
            assertFalse(fired[0], "a zero delay ran inside delay()");
            returned[0] = true;
        });
        assertTrue(fired[0]);
        assertFalse(firedBeforeReturn[0]);
    }

    /** EventLoop.delay promises a zero delay runs "on the loop's next iteration", also when asked from a timer. */
    @Test
    void zeroDelayFromATimerCallbackRunsOnTheNextIteration() {
        long[] iterationOfFirst = {-1};
        long[] iterationOfSecond = {-1};
        Loops.run(loop -> loop.delay(ms(5), () -> {
            iterationOfFirst[0] = loop.stats().iterations();
            loop.delay(Duration.ZERO, () -> iterationOfSecond[0] = loop.stats().iterations());
        }));
        assertTrue(iterationOfSecond[0] >= 0, "the zero delay never ran");
        assertTrue(iterationOfSecond[0] > iterationOfFirst[0],
                "zero delay ran in the same iteration (" + iterationOfSecond[0] + ") as the timer that asked for it");
    }

    /** A chain of zero delays (a common way to yield) must let the loop's other timers run. */
    @Test
    void zeroDelayChainDoesNotStarveOtherTimers() {
        int cap = 200_000;
        int[] steps = {0};
        boolean[] otherFired = {false};
        int[] stepsWhenOtherFired = {-1};
        Loops.run(loop -> {
            loop.delay(ms(20), () -> {
                otherFired[0] = true;
                stepsWhenOtherFired[0] = steps[0];
            });
            loop.delay(Duration.ZERO, new Runnable() {
                @Override public void run() {
                    steps[0]++;
                    if (!otherFired[0] && steps[0] < cap) loop.delay(Duration.ZERO, this);
                }
            });
        });
        assertTrue(otherFired[0]);
        assertTrue(stepsWhenOtherFired[0] < cap,
                "the 20 ms timer only ran after the zero-delay chain gave up at " + cap + " steps");
    }

    @Test
    void subMillisecondDelayWaitsAtLeastOneMillisecond() {
        long[] scheduledAt = {0};
        long[] firedAt = {-1};
        Loops.run(loop -> {
            scheduledAt[0] = loop.now();
            loop.delay(Duration.ofNanos(1), () -> firedAt[0] = loop.now());
        });
        assertTrue(firedAt[0] - scheduledAt[0] >= 1, "a 1 ns delay fired at the same loop millisecond");
    }

    @Test
    void delayWaitsAtLeastItsDuration() {
        long[] elapsed = {-1};
        Loops.run(loop -> Loops.freshly(loop, () -> {
            long t0 = System.nanoTime();
            loop.delay(ms(50), () -> elapsed[0] = System.nanoTime() - t0);
        }));
        assertTrue(elapsed[0] >= ms(49).toNanos(), "fired after " + elapsed[0] / 1_000_000 + " ms");
    }

    /** The start callback runs before uv_run; a delay asked for there must not count from a stale loop time. */
    @Test
    void delayFromStartCallbackWaitsFullDelayWhenLoopWasCreatedEarlier() throws InterruptedException {
        EventLoop loop = EventLoop.create();
        try {
            Thread.sleep(300); // e.g. the program set other things up between create() and run()
            long[] elapsed = {-1};
            loop.run(l -> {
                long t0 = System.nanoTime();
                l.delay(ms(200), () -> elapsed[0] = System.nanoTime() - t0);
            });
            Loops.assertClean(loop);
            assertTrue(elapsed[0] >= ms(190).toNanos(),
                    "a 200 ms delay asked for in the start callback fired after " + elapsed[0] / 1_000_000 + " ms");
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void intervalFiresTenTimesThenCancelledFromItsCallback() {
        int[] ticks = {0};
        Timer[] interval = new Timer[1];
        boolean[] activeInLastTick = {true};
        Loops.run(loop -> {
            interval[0] = loop.interval(ms(5), t -> {
                ticks[0]++;
                if (ticks[0] == 10) {
                    t.cancel();
                    activeInLastTick[0] = t.isActive();
                }
            });
            assertEquals(ms(5), interval[0].interval());
            assertTrue(interval[0].isActive());
            // Waits well past further ticks, to see none come.
            loop.delay(ms(100), () -> { });
        });
        assertEquals(10, ticks[0]);
        assertFalse(activeInLastTick[0]);
        assertFalse(interval[0].isActive());
    }

    @Test
    void intervalDoesNotDrift() {
        long[] elapsed = {-1};
        int[] ticks = {0};
        Loops.run(loop -> Loops.freshly(loop, () -> {
            long t0 = System.nanoTime();
            loop.interval(ms(20), t -> {
                if (++ticks[0] == 20) {
                    elapsed[0] = System.nanoTime() - t0;
                    t.cancel();
                }
            });
        }));
        assertEquals(20, ticks[0]);
        long millis = elapsed[0] / 1_000_000;
        assertTrue(millis >= 399 && millis <= 480, "20 ticks of 20 ms took " + millis + " ms");
    }

    @Test
    void intervalFirstTicksAfterOneInterval() {
        long[] first = {-1};
        Loops.run(loop -> Loops.freshly(loop, () -> {
            long t0 = System.nanoTime();
            loop.interval(ms(50), t -> {
                first[0] = System.nanoTime() - t0;
                t.cancel();
            });
        }));
        assertTrue(first[0] >= ms(49).toNanos(), "first tick after " + first[0] / 1_000_000 + " ms");
    }

    @Test
    void cancelledBeforeFiringNeverFires() {
        boolean[] fired = {false};
        Timer[] t = new Timer[1];
        Loops.run(loop -> {
            t[0] = loop.delay(ms(10), () -> fired[0] = true);
            t[0].cancel();
            assertFalse(t[0].isActive());
            loop.delay(ms(50), () -> { });
        });
        assertFalse(fired[0]);
    }

    @Test
    void cancelTwiceAndAfterFiringIsHarmless() {
        int[] fired = {0};
        Loops.run(loop -> {
            Timer a = loop.delay(ms(10), () -> fired[0] += 100);
            a.cancel();
            a.cancel();
            Timer b = loop.delay(ms(1), () -> fired[0]++);
            loop.delay(ms(20), () -> {
                assertFalse(b.isActive(), "a one-shot timer is inactive once it fired");
                b.cancel();
                b.cancel();
            });
            Timer c = loop.interval(ms(1), t -> {
                t.cancel();
                t.cancel();
            });
            c.cancel();
        });
        assertEquals(1, fired[0]);
    }

    @Test
    void unrefdTimerAloneDoesNotKeepTheLoopAlive() {
        EventLoop loop = EventLoop.create();
        try {
            Timer[] t = new Timer[1];
            long t0 = System.nanoTime();
            loop.run(l -> {
                t[0] = l.delay(Duration.ofSeconds(10), () -> { });
                assertTrue(t[0].hasRef());
                t[0].unref();
                assertFalse(t[0].hasRef());
            });
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(2).toNanos(), "run waited for an unref'd timer");
            assertTrue(t[0].isActive());
            assertEquals(1, loop.stats().handles(HandleKind.TIMER), "an unref'd timer is still an open handle");
            t[0].cancel();
            loop.run(); // lets the close callback run
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void refAgainKeepsTheLoopAliveUntilTheTimerFires() {
        boolean[] fired = {false};
        Loops.run(loop -> {
            Timer t = loop.delay(ms(30), () -> fired[0] = true);
            t.unref();
            t.ref();
            assertTrue(t.hasRef());
        });
        assertTrue(fired[0]);
    }

    @Test
    void negativeDelayIsRejectedAndLeavesNothingOpen() {
        Loops.run(loop -> {
            assertThrows(IllegalArgumentException.class, () -> loop.delay(ms(-1), () -> { }));
            assertEquals(0, loop.stats().openHandles(), () -> "handles after a refused delay: " + loop.stats().handles());
        });
    }

    @Test
    void negativeOrZeroIntervalIsRejected() {
        Loops.run(loop -> {
            assertThrows(IllegalArgumentException.class, () -> loop.interval(Duration.ZERO, t -> { }));
            assertThrows(IllegalArgumentException.class, () -> loop.interval(ms(-5), t -> { }));
            assertEquals(0, loop.stats().openHandles());
        });
    }

    @Test
    void oneShotTimerReportsItsState() {
        boolean[] activeInCallback = {true};
        Timer[] t = new Timer[1];
        Loops.run(loop -> {
            t[0] = loop.delay(ms(1), () -> activeInCallback[0] = t[0].isActive());
            assertTrue(t[0].isActive());
            assertEquals(Duration.ZERO, t[0].interval());
        });
        assertFalse(activeInCallback[0], "a one-shot timer is closed when its callback runs");
        assertFalse(t[0].isActive());
    }

    @Test
    void loopTimeAdvancesAcrossADelay() {
        long[] before = {0};
        long[] after = {0};
        Loops.run(loop -> {
            before[0] = loop.now();
            loop.delay(ms(30), () -> after[0] = loop.now());
        });
        assertTrue(after[0] - before[0] >= 30, "uv_now advanced by " + (after[0] - before[0]));
    }
}
