package io.juv;

import io.juv.bindings.uv_h;
import io.juv.internal.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signals raised at the test JVM itself. Only USR1 (while a juv handler holds it) and WINCH and
 * URG (ignored by default) are ever raised; INT, TERM, QUIT and HUP never are.
 */
@Timeout(30)
class SignalTest {

    private static void raise(Signal s) {
        assertTrue(s == Signal.USR1 || s == Signal.WINCH || s == Signal.URG, "never raise " + s + " at the test JVM");
        assertEquals(0, uv_h.uv_kill(uv_h.uv_os_getpid(), s.number()));
    }

    private static long handlerOf(Signal s) {
        return Platform.currentHandler(s.number());
    }

    @Test
    void usr1RaisedAtTheProcessIsDeliveredEachTime() {
        List<Signal> got = new ArrayList<>();
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        SignalHandler[] h = new SignalHandler[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            h[0] = loop.onSignal(Signal.USR1, sig -> {
                assertTrue(loop.inLoopThread());
                got.add(sig);
                if (got.size() < 3) {
                    raise(Signal.USR1);
                } else {
                    h[0].close();
                    wd[0].cancel();
                }
            });
            assertSame(Signal.USR1, h[0].signal());
            assertEquals(1, loop.stats().handles(HandleKind.SIGNAL));
            raise(Signal.USR1);
        });
        wd[0].assertNotFired();
        assertEquals(List.of(Signal.USR1, Signal.USR1, Signal.USR1), got);
        assertTrue(h[0].isClosed());
    }

    @Test
    void twoHandlersForOneSignalBothRunAndFreeSignalFreesBoth() {
        int[] calls = new int[2];
        SignalHandler[] h = new SignalHandler[2];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            for (int i = 0; i < 2; i++) {
                int me = i;
                h[i] = loop.onSignal(Signal.USR1, s -> {
                    calls[me]++;
                    if (calls[0] == 1 && calls[1] == 1) {
                        loop.freeSignal(Signal.USR1);
                        wd[0].cancel();
                    }
                });
            }
            raise(Signal.USR1);
        });
        wd[0].assertNotFired();
        assertEquals(1, calls[0]);
        assertEquals(1, calls[1]);
        assertTrue(h[0].isClosed() && h[1].isClosed());
    }

    @Test
    void freeSignalStopsDelivery() {
        long before = handlerOf(Signal.WINCH);
        int[] calls = {0};
        int[] callsAfterFree = {-1};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            loop.onSignal(Signal.WINCH, s -> {
                calls[0]++;
                loop.freeSignal(Signal.WINCH);
                assertEquals(before, handlerOf(Signal.WINCH), "the previous disposition is back at once");
                raise(Signal.WINCH); // ignored now: nothing of juv's is listening
                loop.delay(Duration.ofMillis(100), () -> {
                    callsAfterFree[0] = calls[0];
                    wd[0].cancel();
                });
            });
            raise(Signal.WINCH);
        });
        wd[0].assertNotFired();
        assertEquals(1, callsAfterFree[0], "a freed handler was called");
    }

    @Test
    void clearSignalsStopsDeliveryOfEverySignal() {
        List<Signal> got = new ArrayList<>();
        int[] afterClear = {-1};
        int[] handlesAfterClear = {-1};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            // One signal at a time: the order in which two pending signals arrive is the kernel's choice.
            java.util.function.Consumer<Signal> onWinch = s -> {
                got.add(s);
                if (got.size() == 2) raise(Signal.URG);
            };
            loop.onSignal(Signal.WINCH, onWinch);
            loop.onSignal(Signal.URG, s -> {
                got.add(s);
                loop.clearSignals();
                raise(Signal.WINCH);
                raise(Signal.URG);
                loop.delay(Duration.ofMillis(100), () -> {
                    afterClear[0] = got.size();
                    handlesAfterClear[0] = loop.stats().handles(HandleKind.SIGNAL);
                    wd[0].cancel();
                });
            });
            loop.onSignal(Signal.WINCH, onWinch);
            raise(Signal.WINCH);
        });
        wd[0].assertNotFired();
        assertEquals(3, afterClear[0], () -> "delivered: " + got);
        assertEquals(List.of(Signal.WINCH, Signal.WINCH, Signal.URG), got);
        // The handles closed at once; their close callbacks ran within the 100 ms.
        assertEquals(0, handlesAfterClear[0]);
    }

    @Test
    void freeSignalLeavesOtherSignalsAlone() {
        boolean[] usr1 = {false};
        boolean[] winchClosed = {false};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            SignalHandler winch = loop.onSignal(Signal.WINCH, s -> { });
            SignalHandler u = loop.onSignal(Signal.USR1, s -> {
                usr1[0] = true;
                winchClosed[0] = winch.isClosed();
                loop.clearSignals();
                wd[0].cancel();
            });
            loop.freeSignal(Signal.WINCH);
            assertTrue(winch.isClosed());
            assertFalse(u.isClosed());
            raise(Signal.USR1);
        });
        wd[0].assertNotFired();
        assertTrue(usr1[0]);
        assertTrue(winchClosed[0]);
    }

    @ParameterizedTest
    @EnumSource(names = {"SEGV", "USR2", "KILL", "STOP", "BUS", "FPE", "ILL"})
    void signalsTheJvmNeedsAreRefused(Signal s) {
        assertTrue(s.isReservedByJvm());
        long before = handlerOf(s);
        Loops.run(loop -> {
            assertThrows(IllegalArgumentException.class, () -> loop.onSignal(s, x -> { }));
            assertEquals(0, loop.stats().openHandles());
        });
        assertEquals(before, handlerOf(s), "a refused signal's disposition changed");
    }

    /** The JVM's own handler (shutdown hooks, thread dumps) is replaced while juv holds the signal, and comes back after. */
    @ParameterizedTest
    @EnumSource(names = {"INT", "TERM", "HUP", "QUIT"})
    void theJvmsHandlerComesBackWhenTheLastJuvHandlerIsFreed(Signal s) {
        assertFalse(s.isReservedByJvm());
        long before = handlerOf(s);
        long[] during = new long[2];
        long[] after = {-1};
        Loops.run(loop -> {
            SignalHandler first = loop.onSignal(s, x -> { });
            SignalHandler second = loop.onSignal(s, x -> { });
            during[0] = handlerOf(s);
            first.close();
            during[1] = handlerOf(s);
            second.close();
            after[0] = handlerOf(s);
        });
        assertNotEquals(before, during[0], "juv's handler was not installed");
        assertEquals(during[0], during[1], "freeing one of two handlers gave the signal back too early");
        assertEquals(before, after[0], "the JVM's handler did not come back");
        assertEquals(before, handlerOf(s));
    }

    @Test
    void handlersOnTwoLoopsKeepTheSignalUntilTheLastIsFreed() {
        long before = handlerOf(Signal.TERM);
        EventLoop a = EventLoop.create();
        EventLoop b = EventLoop.create();
        try {
            SignalHandler ha = a.onSignal(Signal.TERM, x -> { });
            SignalHandler hb = b.onSignal(Signal.TERM, x -> { });
            long during = handlerOf(Signal.TERM);
            assertNotEquals(before, during);
            ha.close();
            assertEquals(during, handlerOf(Signal.TERM), "one loop's free took the signal from the other");
            b.clearSignals();
            assertTrue(hb.isClosed());
            assertEquals(before, handlerOf(Signal.TERM));
            a.run();
            b.run();
            Loops.assertClean(a);
            Loops.assertClean(b);
        } finally {
            Loops.closeClean(a);
            Loops.closeClean(b);
        }
        assertEquals(before, handlerOf(Signal.TERM));
    }

    @Test
    void anUnrefdSignalHandlerDoesNotKeepTheLoopAlive() {
        EventLoop loop = EventLoop.create();
        try {
            SignalHandler[] h = new SignalHandler[1];
            long t0 = System.nanoTime();
            loop.run(l -> {
                h[0] = l.onSignal(Signal.USR1, x -> { });
                h[0].unref();
            });
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(2).toNanos());
            assertFalse(h[0].isClosed());
            h[0].close();
            loop.run();
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void signalNumbersAreThePlatformsOwn() {
        assertTrue(Signal.USR1.number() > 0);
        assertNotEquals(Signal.USR1.number(), Signal.USR2.number());
        for (Signal s : List.of(Signal.INT, Signal.TERM, Signal.USR1, Signal.WINCH)) assertSame(s, Signal.of(s.number()));
        assertEquals(2, Signal.INT.number()); // POSIX fixes SIGINT at 2
        assertEquals(15, Signal.TERM.number());
        assertEquals(null, Signal.of(0));
    }
}
