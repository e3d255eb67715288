package io.juv;

import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import io.juv.internal.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class LoopLifecycleTest {

    @Test
    void exitFromACallbackClosesEveryHandleAndRunsTheExitHooks() {
        long usr1Before = Platform.currentHandler(Signal.USR1.number());
        List<String> events = new ArrayList<>();
        TcpServer[] server = new TcpServer[1];
        Timer[] interval = new Timer[1];
        SignalHandler[] signal = new SignalHandler[1];
        long[] usr1During = {0};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        long t0 = System.nanoTime();
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            loop.onExit(() -> events.add("hook 1"));
            loop.onExit(() -> events.add("hook 2"));
            interval[0] = loop.interval(Duration.ofMillis(5), t -> { });
            signal[0] = loop.onSignal(Signal.USR1, s -> { });
            usr1During[0] = Platform.currentHandler(Signal.USR1.number());
            server[0] = loop.listen("127.0.0.1", 0, new SocketHandler() {
                @Override public void onData(TcpSocket s, ByteBuffer d) { s.write(Loops.bytes(d)); }
                @Override public void onClose(TcpSocket s) { events.add("server side closed"); }
            });
            loop.connect("127.0.0.1", server[0].port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) { s.write("hi"); }
                @Override public void onData(TcpSocket s, ByteBuffer d) {
                    events.add("echo");
                    wd[0].cancel();
                    loop.exit();
                    events.add("exit returned");
                }
                @Override public void onClose(TcpSocket s) { events.add("client closed"); }
            });
        });
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos());
        wd[0].assertNotFired();
        assertEquals("echo", events.get(0));
        assertEquals("exit returned", events.get(1));
        assertTrue(events.containsAll(List.of("client closed", "server side closed")), events::toString);
        assertEquals(List.of("hook 1", "hook 2"), events.subList(events.size() - 2, events.size()), "hooks run last, in order");
        assertTrue(server[0].isClosed());
        assertFalse(interval[0].isActive());
        assertTrue(signal[0].isClosed());
        assertNotEquals(usr1Before, usr1During[0]);
        assertEquals(usr1Before, Platform.currentHandler(Signal.USR1.number()));
    }

    @Test
    void exitFromTheStartCallbackClosesWhatItOpened() {
        Timer[] t = new Timer[1];
        Loops.run(loop -> {
            t[0] = loop.interval(Duration.ofMillis(1), x -> { });
            loop.listen("127.0.0.1", 0, (s, d) -> { });
            loop.exit();
            loop.exit(); // twice is harmless
        });
        assertFalse(t[0].isActive());
    }

    @Test
    void exitHooksRunOnceAndNotAgainOnTheNextRun() {
        int[] calls = {0};
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> l.onExit(() -> calls[0]++));
            assertEquals(1, calls[0]);
            loop.run(l -> { });
            assertEquals(1, calls[0]);
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void startRunsTheLoopAndClosesIt() {
        AtomicReference<EventLoop> seen = new AtomicReference<>();
        boolean[] fired = {false};
        EventLoop.start(loop -> {
            seen.set(loop);
            loop.delay(Duration.ofMillis(5), () -> fired[0] = true);
        });
        assertTrue(fired[0]);
        EventLoop loop = seen.get();
        assertNotNull(loop);
        assertTrue(loop.isClosed());
        assertEquals(0, loop.stats().nativeBytes());
        assertThrows(IllegalStateException.class, () -> loop.delay(Duration.ZERO, () -> { }));
    }

    @Test
    void runInsideRunAndCloseInsideRunAreRefused() {
        Throwable[] thrown = new Throwable[2];
        Loops.run(loop -> loop.delay(Duration.ofMillis(1), () -> {
            thrown[0] = assertThrows(IllegalStateException.class, loop::run);
            thrown[1] = assertThrows(IllegalStateException.class, loop::close);
        }));
        assertNotNull(thrown[0]);
        assertNotNull(thrown[1]);
    }

    @Test
    void aClosedLoopRefusesNewWork() {
        EventLoop loop = EventLoop.create();
        Loops.closeClean(loop);
        loop.close(); // twice is harmless
        assertTrue(loop.isClosed());
        assertThrows(IllegalStateException.class, () -> loop.run(l -> { }));
        assertThrows(IllegalStateException.class, () -> loop.delay(Duration.ZERO, () -> { }));
        assertThrows(IllegalStateException.class, () -> loop.listen("127.0.0.1", 0, (s, d) -> { }));
        assertThrows(IllegalStateException.class, () -> loop.onSignal(Signal.USR1, s -> { }));
    }

    @Test
    void closeClosesHandlesThatWereNeverRun() {
        long termBefore = Platform.currentHandler(Signal.TERM.number());
        EventLoop loop = EventLoop.create();
        Timer t = loop.delay(Duration.ofSeconds(10), () -> { });
        TcpServer server = loop.listen("127.0.0.1", 0, (s, d) -> { });
        SignalHandler h = loop.onSignal(Signal.TERM, s -> { });
        assertEquals(3, loop.stats().openHandles());
        Loops.closeClean(loop);
        assertFalse(t.isActive());
        assertTrue(server.isClosed());
        assertTrue(h.isClosed());
        assertEquals(termBefore, Platform.currentHandler(Signal.TERM.number()));
    }

    @Test
    void theLoopIsAnExecutorForCompletableFutures() {
        String[] result = {null};
        boolean[] onLoop = {false};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            CompletableFuture.supplyAsync(() -> {
                onLoop[0] = loop.inLoopThread();
                return "computed";
            }, loop).thenAccept(r -> {
                result[0] = r;
                wd[0].cancel();
            });
        });
        wd[0].assertNotFired();
        assertEquals("computed", result[0]);
        assertTrue(onLoop[0]);
    }

    @Test
    void loopsOnTwoThreadsRunIndependently() throws InterruptedException {
        String[] results = new String[2];
        Throwable[] failures = new Throwable[2];
        Thread[] threads = new Thread[2];
        for (int i = 0; i < 2; i++) {
            int me = i;
            threads[i] = new Thread(() -> {
                try {
                    Loops.run(loop -> {
                        Loops.Watchdog wd = Loops.watchdog(loop);
                        TcpServer server = Loops.echoServer(loop);
                        loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                            @Override public void onConnect(TcpSocket s) { s.write("loop " + me); }
                            @Override public void onData(TcpSocket s, ByteBuffer d) {
                                results[me] = StandardCharsets.UTF_8.decode(d).toString();
                                s.close();
                                server.close();
                                wd.cancel();
                            }
                        });
                    });
                } catch (Throwable t) {
                    failures[me] = t;
                }
            }, "loop-" + i);
            threads[i].start();
        }
        for (Thread t : threads) t.join(10_000);
        assertNull(failures[0]);
        assertNull(failures[1]);
        assertEquals("loop 0", results[0]);
        assertEquals("loop 1", results[1]);
    }

    @Test
    void libuvIsRecentEnough() {
        String v = EventLoop.libuvVersion();
        assertTrue(v.matches("\\d+\\.\\d+\\.\\d+.*"), v);
        String[] parts = v.split("\\.");
        int major = Integer.parseInt(parts[0]), minor = Integer.parseInt(parts[1]);
        assertTrue(major > 1 || (major == 1 && minor >= 44), "libuv " + v + " is older than 1.44");
    }
}
