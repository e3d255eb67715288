package io.juv;

import io.juv.internal.Uv;
import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Run modes (runOnce, runNoWait), loop options at create time, and libuv's loop metrics in LoopStats. */
@Timeout(30)
class LoopControlsTest {

    @Test
    void runOnceRunsOneIterationAndSaysWhetherWorkRemains() {
        EventLoop loop = EventLoop.create();
        try {
            List<String> fired = new ArrayList<>();
            loop.delay(Duration.ofMillis(10), () -> fired.add("first"));
            loop.delay(Duration.ofMillis(40), () -> fired.add("second"));
            int calls = 0;
            boolean more = true;
            while (more) {
                more = loop.runOnce();
                calls++;
                if (fired.size() == 1 && more) assertEquals(List.of("first"), fired, "one iteration, one timer");
            }
            assertEquals(List.of("first", "second"), fired);
            assertTrue(calls >= 2, "the two timers took " + calls + " runOnce calls");
            assertFalse(loop.runOnce(), "nothing left: returns at once");
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void runNoWaitNeverWaits() {
        EventLoop loop = EventLoop.create();
        try {
            boolean[] fired = new boolean[1];
            Timer t = loop.delay(Duration.ofMillis(200), () -> fired[0] = true);
            long start = System.nanoTime();
            int calls = 0;
            while (loop.runNoWait() && System.nanoTime() - start < Duration.ofMillis(50).toNanos()) calls++;
            assertFalse(fired[0]);
            assertTrue(calls > 5, "runNoWait returned at once each time: " + calls + " calls in 50 ms");
            assertTrue(loop.runNoWait(), "the timer is still pending");
            t.cancel();
            while (loop.runNoWait()) { } // the close callback
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void tasksFromExecuteRunInTheStepAndCountAsWork() {
        EventLoop loop = EventLoop.create();
        try {
            List<Integer> ran = new ArrayList<>();
            loop.execute(() -> {
                ran.add(1);
                loop.execute(() -> ran.add(2)); // queued from the loop thread during the step
            });
            assertFalse(loop.runNoWait(), "both tasks ran in the step, nothing is left");
            assertEquals(List.of(1, 2), ran);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void exitHooksRunWhenAStepLeavesNothingAndErrorsAreRethrownAsByRun() {
        EventLoop loop = EventLoop.create();
        try {
            List<String> seen = new ArrayList<>();
            loop.onExit(() -> seen.add("exit"));
            loop.delay(Duration.ofMillis(5), () -> seen.add("timer"));
            while (loop.runOnce()) assertFalse(seen.contains("exit"), "exit hook before the work was done");
            assertEquals(List.of("timer", "exit"), seen);
            loop.delay(Duration.ZERO, () -> { throw new IllegalStateException("boom"); });
            loop.delay(Duration.ofSeconds(10), () -> { });
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> { while (loop.runOnce()) { } });
            assertEquals("boom", e.getMessage());
            Loops.assertClean(loop); // the failure closed every handle, as run() does
            assertThrows(WrongThreadException.class, () -> {
                Throwable t = Loops.onOtherThread(loop::runOnce);
                if (t != null) throw t;
            });
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void runModesDriveIoToo() {
        EventLoop loop = EventLoop.create();
        try {
            String[] got = new String[1];
            TcpServer server = Loops.echoServer(loop);
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) { s.write("ping"); }
                @Override public void onData(TcpSocket s, ByteBuffer d) {
                    got[0] = new String(Loops.bytes(d));
                    s.close();
                    server.close();
                }
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (loop.runOnce() && System.nanoTime() < deadline) { }
            assertEquals("ping", got[0]);
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    // ------------------------------------------------------------------ options

    @Test
    void idleTimeIsMeasuredByDefaultAndZeroWhenTurnedOff() {
        Duration[] idle = new Duration[2];
        for (int i = 0; i < 2; i++) {
            int n = i;
            EventLoop loop = EventLoop.create(LoopOptions.DEFAULT.idleTime(n == 0));
            try {
                // Two waits in a row: the first may be cut short by the time the start took (a cold JVM's
                // class loading), counted from the loop's cached time; the second starts from a fresh one.
                loop.run(l -> Loops.freshly(l, () -> l.delay(Duration.ofMillis(30),
                        () -> l.delay(Duration.ofMillis(30), () -> idle[n] = l.stats().idleTime()))));
            } finally {
                Loops.closeClean(loop);
            }
        }
        assertTrue(idle[0].compareTo(Duration.ofMillis(20)) >= 0, "60 ms waiting for timers, idle " + idle[0]);
        assertEquals(Duration.ZERO, idle[1]);
    }

    @Test
    void blockSignalTakesSigprofAndRefusesOthersLeavingNothing() {
        EventLoop loop = EventLoop.create(LoopOptions.DEFAULT.blockSignal(Signal.PROF));
        try {
            loop.run(l -> l.delay(Duration.ofMillis(1), () -> { }));
        } finally {
            Loops.closeClean(loop);
        }
        UvException e = assertThrows(UvException.class, () -> EventLoop.create(LoopOptions.DEFAULT.blockSignal(Signal.USR1)));
        assertEquals("EINVAL", e.errorName());
        assertTrue(e.getMessage().contains("SIGPROF"), e.getMessage());
        assertThrows(NullPointerException.class, () -> EventLoop.create(null));
        // Nothing of the refused loop is left: a new loop still closes clean and the process's loops work.
        Loops.run(l -> l.delay(Duration.ZERO, () -> { }));
    }

    // ------------------------------------------------------------------ metrics

    @Test
    void eventCountsComeFromLibuvWhereItHasThem() {
        LoopStats[] s = new LoopStats[2];
        Loops.run(loop -> {
            TcpServer server = Loops.echoServer(loop);
            s[0] = loop.stats();
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket c) { c.write("x"); }
                @Override public void onData(TcpSocket c, ByteBuffer d) {
                    c.close();
                    server.close();
                    loop.delay(Duration.ofMillis(5), () -> s[1] = loop.stats());
                }
            });
        });
        if (Uv.atLeast(1, 45)) {
            assertTrue(s[0].events().isPresent() && s[0].eventsWaiting().isPresent(), "libuv 1.45+ counts events");
            assertTrue(s[1].events().getAsLong() > s[0].events().getAsLong(),
                    "a connection, a write and a read are events: " + s[0].events() + " -> " + s[1].events());
            assertTrue(s[1].eventsWaiting().getAsLong() >= 0);
        } else {
            assertTrue(s[0].events().isEmpty() && s[1].eventsWaiting().isEmpty(), "libuv " + EventLoop.libuvVersion() + " has no uv_metrics_info");
        }
        assertTrue(s[1].iterations() > s[0].iterations());
    }
}
