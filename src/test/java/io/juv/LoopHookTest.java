package io.juv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idle, prepare and check hooks: once per iteration, in libuv's order, and their life. */
@Timeout(30)
class LoopHookTest {

    @Test
    void idlePrepareAndCheckRunOncePerIterationInThatOrder() {
        List<String> seen = new ArrayList<>();
        long[] iterations = new long[2];
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop);
            LoopHook[] hooks = new LoopHook[3];
            // Made in reverse order: the order they run in is the loop's, not the order of creation.
            hooks[2] = loop.onCheck(() -> {
                seen.add("check");
                if (seen.size() == 30) {
                    for (LoopHook h : hooks) h.close();
                    iterations[1] = loop.stats().iterations();
                    wd.cancel();
                }
            });
            hooks[1] = loop.onPrepare(() -> seen.add("prepare"));
            hooks[0] = loop.onIdle(() -> seen.add("idle"));
            iterations[0] = loop.stats().iterations();
        });
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) expected.addAll(List.of("idle", "prepare", "check"));
        assertEquals(expected, seen);
        // One trio per iteration: ten iterations (the first counted at its check, as libuv counts at its end).
        assertTrue(iterations[1] - iterations[0] >= 9 && iterations[1] - iterations[0] <= 11,
                () -> "iterations " + iterations[0] + " -> " + iterations[1]);
    }

    @Test
    void aStartedPrepareHookKeepsTheLoopAliveAndAnUnreferencedOneDoesNot() {
        int[] ran = {0};
        Loops.run(loop -> {
            LoopHook prepare = loop.onPrepare(() -> ran[0]++);
            assertTrue(prepare.hasRef());
            prepare.unref();
            // Unreferenced, it runs while something else keeps the loop going, then lets it end.
            loop.delay(Duration.ofMillis(20), () -> prepare.close());
        });
        assertTrue(ran[0] >= 1, "the prepare hook never ran");
    }

    @Test
    void stopAndStartPauseAHook() {
        List<String> seen = new ArrayList<>();
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop);
            LoopHook check = loop.onCheck(() -> seen.add("check"));
            check.stop();
            assertFalse(check.isActive());
            check.stop(); // twice is fine
            loop.delay(Duration.ofMillis(30), () -> {
                assertEquals(List.of(), seen, "a stopped hook ran");
                check.start();
                check.start(); // started already: nothing more
                assertTrue(check.isActive());
                loop.delay(Duration.ofMillis(10), () -> {
                    check.close();
                    wd.cancel();
                });
            });
        });
        assertFalse(seen.isEmpty(), "the restarted hook never ran");
    }

    @Test
    void anIdleHookMakesTheLoopSpinAndStoppingItLetsTheLoopSleep() {
        long[] idleRuns = {0};
        long[] spun = new long[1];
        Loops.run(loop -> {
            LoopHook idle = loop.onIdle(() -> idleRuns[0]++);
            long before = loop.stats().iterations();
            loop.delay(Duration.ofMillis(50), () -> {
                spun[0] = loop.stats().iterations() - before;
                idle.stop();
                long stopped = loop.stats().iterations();
                loop.delay(Duration.ofMillis(50), () -> {
                    // Stopped: the loop slept through the 50 ms, an iteration or two, not hundreds.
                    assertTrue(loop.stats().iterations() - stopped < 10, "the loop still spins");
                    idle.close();
                });
            });
        });
        // 50 ms of a spinning loop: far more iterations than the one or two a sleeping loop makes.
        assertTrue(spun[0] > 50, "only " + spun[0] + " iterations with an idle hook started");
        assertTrue(idleRuns[0] >= spun[0] - 2);
    }

    @Test
    void aHookThatThrowsGoesToTheErrorPolicyAndClosingFromItsOwnCallbackIsFine() {
        List<Throwable> caught = new ArrayList<>();
        Loops.run(loop -> {
            loop.catchErrors(caught::add);
            LoopHook[] h = new LoopHook[1];
            // A check hook alone never wakes the loop from its poll: a ticking timer does, until
            // the hook has run (a one-shot timer could fire before the first poll and leave the
            // poll waiting forever, as in libuv itself).
            Timer ticks = loop.interval(Duration.ofMillis(1), t -> { });
            h[0] = loop.onCheck(() -> {
                ticks.cancel();
                h[0].close();
                h[0].close();
                throw new IllegalStateException("from the hook");
            });
        });
        assertEquals(1, caught.size());
        assertEquals("from the hook", caught.getFirst().getMessage());
    }

    @Test
    void aClosedHookRefusesToStartAndAnswersFromJavaState() {
        LoopHook[] h = new LoopHook[1];
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> {
                h[0] = l.onIdle(() -> { });
                h[0].close();
                assertThrows(IllegalStateException.class, h[0]::start);
            });
            assertFalse(h[0].isActive());
            assertEquals(LoopHook.Phase.IDLE, h[0].phase());
            assertThrows(IllegalStateException.class, h[0]::start);
        } finally {
            Loops.closeClean(loop);
        }
        assertThrows(IllegalStateException.class, h[0]::start);
        h[0].stop();
        assertFalse(h[0].hasRef());
    }

    @Test
    void hooksAreForTheLoopThreadOnly() {
        Loops.run(loop -> {
            LoopHook check = loop.onCheck(() -> { });
            assertTrue(Loops.onOtherThread(check::stop) instanceof WrongThreadException);
            assertTrue(Loops.onOtherThread(() -> loop.onIdle(() -> { })) instanceof WrongThreadException);
            check.close();
        });
    }
}
