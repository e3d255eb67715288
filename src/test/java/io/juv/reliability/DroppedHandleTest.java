package io.juv.reliability;

import io.juv.EventLoop;
import io.juv.LoopHook;
import io.juv.Loops;
import io.juv.PollEvent;
import io.juv.StreamHandler;
import io.juv.internal.LeakDetector;
import io.juv.net.Pipe;
import io.juv.net.PipeServer;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import io.juv.net.TlsCerts;
import io.juv.net.TlsStream;
import io.juv.tty.Pty;
import io.juv.tty.Tty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Item 4 of the reliability suite: a handle the program drops without closing it is closed by
 * juv on the loop thread and reported once (LeakDetector), for every kind that can stop calling
 * back; one that libuv can still call back is kept, however the program lets go of it.
 *
 * <p>Each test makes a handle, lets it go idle, drops it, and calls System.gc() from a timer until
 * the report comes (bounded): then it asserts one report, made on the loop thread, the loop back to
 * its leak-gate baseline (handles, requests, table entries, native bytes, descriptors) and
 * uv_loop_close returning 0. Quick: untagged.
 */
@Timeout(60)
class DroppedHandleTest {

    /** JUL keeps loggers weakly, and these tests collect garbage: hold it. */
    private static final Logger LEAK_LOG = Logger.getLogger("io.juv.leak");

    private record Report(LogRecord record, Thread thread) {}

    private final List<Report> reports = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (reports) {
                reports.add(new Report(r, Thread.currentThread()));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @TempDir
    Path dir;

    /** libuv opens descriptors of the process's own with the first loop (its signal pipe): before any baseline. */
    @BeforeAll
    static void firstLoop() {
        EventLoop.create().close();
    }

    @BeforeEach
    void listen() {
        LEAK_LOG.setUseParentHandlers(false); // the reports are this test's to check, not the console's
        LEAK_LOG.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        LEAK_LOG.removeHandler(capture);
        LEAK_LOG.setUseParentHandlers(true);
        System.clearProperty(LeakDetector.PROPERTY);
    }

    private int reportCount() {
        synchronized (reports) {
            return reports.size();
        }
    }

    private Report onlyReport() {
        synchronized (reports) {
            assertEquals(1, reports.size(), () -> "reports: " + reports.stream().map(r -> r.record().getMessage()).toList());
            return reports.getFirst();
        }
    }

    // ------------------------------------------------------------------ the frame every test runs in

    /**
     * Runs a loop; {@code makeAndDrop} makes the handle and calls {@code dropped} once nothing but
     * the loop refers to it and it is idle. Then a timer calls System.gc() until the report comes,
     * five times more (a second report would show), and {@code afterwards} closes what the test
     * kept. The loop must end back at its baseline.
     */
    private Report lostHandle(BiConsumer<EventLoop, Runnable> makeAndDrop, Runnable afterwards) {
        long fdsBefore = LeakGate.openFds();
        EventLoop loop = EventLoop.create();
        Thread loopThread = Thread.currentThread();
        LeakGate[] baseline = new LeakGate[1];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        try {
            loop.run(l -> {
                l.delay(Duration.ZERO, () -> { }).cancel(); // the timer queue's own handle, made with its first timer, is part of the baseline
                baseline[0] = LeakGate.of(l);
                wd[0] = Loops.watchdog(l, Duration.ofSeconds(30));
                makeAndDrop.accept(l, () -> collectUntilReported(l, () -> {
                    afterwards.run();
                    wd[0].cancel();
                }));
            });
            wd[0].assertNotFired();
            LeakGate after = LeakGate.of(loop);
            // Descriptors are compared around the loop's whole life: libuv opens some per loop on first use (its
            // reserve descriptor for EMFILE with the first stream, inotify's with the first watcher) until uv_loop_close.
            new LeakGate(after.handles(), after.requests(), after.tableEntries(), after.nativeBytes(), baseline[0].fds())
                    .assertBackTo(baseline[0]);
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
        assertEquals(fdsBefore, LeakGate.openFds(), "descriptors once the loop is closed");
        Report r = onlyReport();
        assertSame(loopThread, r.thread(), "the lost handle is closed and reported on the loop thread");
        return r;
    }

    private void collectUntilReported(EventLoop loop, Runnable done) {
        int[] after = {-1};
        loop.interval(Duration.ofMillis(10), t -> {
            if (after[0] < 0 && reportCount() > 0) after[0] = 0;
            if (after[0] >= 5) {
                t.cancel();
                done.run();
                return;
            }
            if (after[0] >= 0) after[0]++;
            System.gc();
        });
    }

    private static void assertNamesKind(Report r, String kind) {
        String m = r.record().getMessage();
        assertTrue(m.contains("a " + kind + " handle"), m);
        assertTrue(m.contains("juv.leakDetection=paranoid"), "without paranoid mode the report says how to see where: " + m);
        assertNull(r.record().getThrown(), "no creation trace outside paranoid mode");
    }

    // ------------------------------------------------------------------ each kind that can go idle

    @Test
    void aPausedTcpSocketDroppedWithoutCloseIsClosedAndReportedOnce() {
        TcpServer[] server = new TcpServer[1];
        Report r = lostHandle((loop, dropped) -> {
            server[0] = Loops.echoServer(loop);
            loop.connect("127.0.0.1", server[0].port(), new StreamHandler<TcpSocket>() {
                @Override
                public void onConnect(TcpSocket s) {
                    s.pause(); // idle: no read, no write, no timeout: libuv cannot call it back
                    dropped.run();
                }

                @Override
                public void onData(TcpSocket s, ByteBuffer data) {}
            });
        }, () -> server[0].close());
        assertNamesKind(r, "TCP");
    }

    @Test
    void aPipeWhosePeerEndedWhileHalfOpenDroppedIsClosedAndReportedOnce() {
        PipeServer[] server = new PipeServer[1];
        String path = dir.resolve("p.sock").toString();
        Report r = lostHandle((loop, dropped) -> {
            server[0] = loop.listenPipe(path, new StreamHandler<Pipe>() {
                @Override
                public void onConnect(Pipe p) {
                    p.close(); // the client reads its end, then nothing
                }

                @Override
                public void onData(Pipe p, ByteBuffer data) {}
            });
            loop.connectPipe(path, new StreamHandler<Pipe>() {
                @Override
                public void onConnect(Pipe p) {
                    p.allowHalfOpen(true);
                }

                @Override
                public void onEnd(Pipe p) {
                    dropped.run(); // reading ended, the write side is open: idle, and dropped
                }

                @Override
                public void onData(Pipe p, ByteBuffer data) {}
            });
        }, () -> server[0].close());
        assertNamesKind(r, "PIPE");
    }

    @Test
    @Timeout(240) // the first TlsCerts.get() in a JVM runs keytool, slow on a loaded machine
    void aTlsStreamDroppedWhilePausedIsClosedWithItsTransportAndReportedOnce() {
        TlsCerts certs = TlsCerts.get();
        TcpServer[] server = new TcpServer[1];
        Report r = lostHandle((loop, dropped) -> {
            server[0] = loop.listenTls("127.0.0.1", 0, certs.serverOptions(), (s, data) -> s.write(Loops.bytes(data)));
            loop.connectTls("127.0.0.1", server[0].port(), certs.clientOptions(), new StreamHandler<TlsStream>() {
                @Override
                public void onConnect(TlsStream s) {
                    s.pause();
                    // Let the handshake's last records settle, then let go.
                    loop.delay(Duration.ofMillis(50), dropped);
                }

                @Override
                public void onData(TlsStream s, ByteBuffer data) {}
            });
        }, () -> server[0].close());
        // What libuv knew of is the TCP socket under it; the TLS stream (no handle of its own) is uncounted with it.
        assertNamesKind(r, "TCP");
    }

    @Test
    void aTtyOpenedForWritingOnlyDroppedIsClosedAndReportedOnce() {
        assumeTrue(Pty.available(), "no /dev/ptmx");
        try (Pty pty = Pty.open()) {
            Report r = lostHandle((loop, dropped) -> {
                Tty.open(loop, pty.slave(), false, (t, d) -> { }).write("x\n");
                dropped.run();
            }, () -> { });
            assertNamesKind(r, "TTY");
        }
    }

    @Test
    void aStoppedPollerDroppedIsClosedAndReportedOnce() {
        int[] fds = Pipe.socketPair();
        try {
            Report r = lostHandle((loop, dropped) -> {
                loop.poll(fds[0], EnumSet.of(PollEvent.READABLE), (p, ready) -> { }).stop();
                dropped.run();
            }, () -> { });
            assertNamesKind(r, "POLL");
        } finally {
            PollerFds.close(fds);
        }
    }

    @Test
    void aStoppedLoopHookOfEachPhaseDroppedIsClosedAndReportedOnce() {
        for (LoopHook.Phase phase : LoopHook.Phase.values()) {
            synchronized (reports) {
                reports.clear();
            }
            Report r = lostHandle((loop, dropped) -> {
                LoopHook h = switch (phase) {
                    case IDLE -> loop.onIdle(() -> { });
                    case PREPARE -> loop.onPrepare(() -> { });
                    case CHECK -> loop.onCheck(() -> { });
                };
                h.stop();
                dropped.run();
            }, () -> { });
            assertNamesKind(r, phase.name());
        }
    }

    @Test
    void aStoppedFileWatcherDroppedIsClosedAndReportedOnce() throws Exception {
        Path watched = Files.writeString(dir.resolve("watched"), "x");
        Report r = lostHandle((loop, dropped) -> {
            loop.watch(watched, (w, name, events) -> { }).stop();
            dropped.run();
        }, () -> { });
        assertNamesKind(r, "FS_EVENT");
    }

    @Test
    void aStoppedStatPollerDroppedIsClosedAndReportedOnce() throws Exception {
        Path watched = Files.writeString(dir.resolve("polled"), "x");
        Report r = lostHandle((loop, dropped) -> {
            loop.pollStat(watched, Duration.ofSeconds(1), (p, prev, curr) -> { }).stop();
            dropped.run();
        }, () -> { });
        assertNamesKind(r, "FS_POLL");
    }

    // ------------------------------------------------------------------ paranoid mode: where it was made

    @Test
    void inParanoidModeTheReportSaysWhereTheHandleWasMade(TestInfo test) {
        System.setProperty(LeakDetector.PROPERTY, "paranoid");
        Report r = lostHandle((loop, dropped) -> {
            loop.onCheck(() -> { }).stop();
            dropped.run();
        }, () -> { });
        Throwable made = r.record().getThrown();
        assertNotNull(made, "paranoid mode records where each handle was made");
        String method = test.getTestMethod().orElseThrow().getName();
        assertTrue(Arrays.stream(made.getStackTrace()).anyMatch(f -> f.getMethodName().contains(method)),
                () -> "the creation trace names " + method + ": " + Arrays.toString(made.getStackTrace()));
        assertTrue(r.record().getMessage().contains("Where it was made follows"), r.record().getMessage());
    }

    @Test
    void anUnknownLevelIsAClearErrorAndNoLoop() {
        System.setProperty(LeakDetector.PROPERTY, "sometimes");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, EventLoop::create);
        assertTrue(e.getMessage().contains("disabled, simple or paranoid"), e.getMessage());
    }

    // ------------------------------------------------------------------ what the loop keeps

    /**
     * A handle libuv can still call back is kept however the program lets go of it: a started hook
     * (unreferenced, so it does not keep the loop alive either), and one that was idle and weakly held,
     * then started again and dropped: both keep firing through collections, and neither is reported.
     */
    @Test
    void aHandleThatCanStillBeCalledBackIsKeptThroughCollections() {
        System.setProperty(LeakDetector.PROPERTY, "paranoid"); // a sweep after every collection
        int[] calls = new int[2];
        List<WeakReference<LoopHook>> kept = new ArrayList<>();
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> {
                Loops.Watchdog wd = Loops.watchdog(l, Duration.ofSeconds(30));
                LoopHook started = l.onCheck(() -> calls[0]++);
                started.unref();
                kept.add(new WeakReference<>(started));
                LoopHook[] idle = {l.onCheck(() -> calls[1]++)};
                idle[0].stop();
                idle[0].unref();
                kept.add(new WeakReference<>(idle[0]));
                int[] ticks = {0};
                l.interval(Duration.ofMillis(10), t -> {
                    System.gc();
                    ticks[0]++;
                    // Collections meanwhile swept the idle one into a weak slot: start it from there.
                    if (ticks[0] == 20) {
                        idle[0].start();
                        idle[0] = null; // from now on only the loop holds it
                    }
                    if (ticks[0] == 60) {
                        t.cancel();
                        for (WeakReference<LoopHook> k : kept) {
                            LoopHook h = k.get();
                            assertNotNull(h, "the loop keeps a handle libuv can call back");
                            h.close();
                        }
                        wd.cancel();
                    }
                });
            });
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
        assertEquals(0, reportCount(), "nothing lost, nothing reported");
        assertTrue(calls[0] >= 50 && calls[1] >= 25, () -> "both hooks kept firing: " + Arrays.toString(calls));
    }

    /** A loop closed while it holds lost handles, collected or not, closes them too: uv_loop_close returns 0. */
    @Test
    void aLoopClosedWithLostHandlesNotYetCollectedClosesThemCleanly() {
        System.setProperty(LeakDetector.PROPERTY, "paranoid");
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> {
                Object[] held = new Object[50];
                for (int i = 0; i < held.length; i++) {
                    LoopHook h = l.onIdle(() -> { });
                    h.stop();
                    held[i] = h;
                }
                int[] ticks = {0};
                l.interval(Duration.ofMillis(10), t -> {
                    System.gc(); // each collection sweeps: all fifty are weakly held now, and held here
                    if (++ticks[0] == 5) {
                        Arrays.fill(held, null);
                        t.cancel(); // and the loop ends: stopped hooks keep nothing alive
                    }
                });
            });
            assertEquals(50, loop.stats().handles(io.juv.HandleKind.IDLE), "still open: lost, not yet collected");
        } finally {
            Loops.closeClean(loop); // close() throws unless uv_loop_close returned 0, and no native byte may be left
        }
    }

    /** Leak detection off: the table holds every handle, as it always did, and loop.close() closes them. */
    @Test
    void disabledTheLoopKeepsADroppedHandleUntilItCloses() {
        System.setProperty(LeakDetector.PROPERTY, "disabled");
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> {
                l.onCheck(() -> { }).stop();
                int[] ticks = {0};
                l.interval(Duration.ofMillis(10), t -> {
                    System.gc();
                    if (++ticks[0] == 20) t.cancel();
                });
            });
            assertEquals(1, loop.stats().handles(io.juv.HandleKind.CHECK));
        } finally {
            Loops.closeClean(loop);
        }
        assertEquals(0, reportCount());
    }

    /** Descriptor helpers for the poller test (PollerTest's are package-private). */
    private static final class PollerFds {
        static void close(int[] fds) {
            for (int fd : fds) {
                try (var arena = java.lang.foreign.Arena.ofConfined()) {
                    var linker = java.lang.foreign.Linker.nativeLinker();
                    var close = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                            java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_INT));
                    int ignored = (int) close.invokeExact(fd);
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
            }
        }
    }
}
