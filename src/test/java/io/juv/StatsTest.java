package io.juv;

import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class StatsTest {

    @Test
    void countsHandlesByKindWhileOpen() {
        LoopStats[] open = new LoopStats[1];
        LoopStats[] afterClose = new LoopStats[1];
        Loops.run(loop -> {
            Timer a = loop.delay(Duration.ofSeconds(5), () -> { });
            Timer b = loop.delay(Duration.ofSeconds(5), () -> { });
            Timer c = loop.interval(Duration.ofSeconds(5), t -> { });
            TcpServer server = loop.listen("127.0.0.1", 0, (s, d) -> { });
            SignalHandler sig = loop.onSignal(Signal.USR1, s -> { });
            open[0] = loop.stats();
            a.cancel();
            b.cancel();
            c.cancel();
            server.close();
            sig.close();
            // After the close callbacks (the zero delay has closed by then, too).
            Loops.freshly(loop, () -> loop.delay(Duration.ofMillis(30), () -> afterClose[0] = loop.stats()));
        });
        LoopStats s = open[0];
        assertEquals(3, s.handles(HandleKind.TIMER));
        assertEquals(1, s.handles(HandleKind.TCP));
        assertEquals(1, s.handles(HandleKind.SIGNAL));
        assertEquals(0, s.handles(HandleKind.ASYNC), "juv's own wakeup handle is not counted");
        assertEquals(0, s.handles(HandleKind.CHECK), "juv's own iteration counter is not counted");
        assertEquals(5, s.openHandles());
        assertThrows(UnsupportedOperationException.class, () -> s.handles().put(HandleKind.TCP, 0));
        assertEquals(Map.of(HandleKind.TIMER, 1), afterClose[0].handles(), "only the timer asking is open");
    }

    @Test
    void countsConnectionsAndPendingRequests() {
        List<String> seen = new ArrayList<>();
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer server = loop.listen("127.0.0.1", 0, new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    s.pause(); // the client's big write stays queued
                }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
            });
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    LoopStats st = loop.stats();
                    seen.add("connected: out=" + st.outgoingTcp() + " requests=" + st.pendingRequests());
                    long before = st.nativeBytes();
                    s.write(new byte[32 * 1024 * 1024], (x, e) -> { });
                    LoopStats w = loop.stats();
                    seen.add("writing: requests=" + w.pendingRequests()
                            + " copied=" + (w.nativeBytes() - before >= s.writeQueueSize() && s.writeQueueSize() > 0));
                    loop.delay(Duration.ofMillis(20), () -> {
                        LoopStats both = loop.stats();
                        seen.add("both ends: in=" + both.incomingTcp() + " out=" + both.outgoingTcp()
                                + " tcp=" + both.handles(HandleKind.TCP));
                        loop.exit();
                        wd[0].cancel();
                    });
                }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
            });
            LoopStats st = loop.stats();
            seen.add("connecting: out=" + st.outgoingTcp() + " requests=" + st.pendingRequests());
        });
        wd[0].assertNotFired();
        assertEquals(List.of(
                "connecting: out=1 requests=1",
                "connected: out=1 requests=0",
                "writing: requests=1 copied=true",
                "both ends: in=1 out=1 tcp=3"), seen);
    }

    @Test
    void aThousandConnectCloseCyclesLeaveNothingBehind() {
        int cycles = 1000, lanes = 4;
        LoopStats[] before = new LoopStats[1];
        LoopStats[] after = new LoopStats[1];
        int[] clientClosed = {0};
        int[] serverClosed = {0};
        int[] errors = {0};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(25));
            TcpServer[] server = new TcpServer[1];
            int[] started = {0};
            Runnable[] finishIfDone = new Runnable[1];
            finishIfDone[0] = () -> {
                if (clientClosed[0] == cycles && serverClosed[0] == cycles) {
                    after[0] = loop.stats();
                    server[0].close();
                    wd[0].cancel();
                }
            };
            server[0] = loop.listen("127.0.0.1", 0, new SocketHandler() {
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
                @Override public void onError(TcpSocket s, UvException e) {
                    errors[0]++;
                }
                @Override public void onClose(TcpSocket s) {
                    serverClosed[0]++;
                    finishIfDone[0].run();
                }
            });
            SocketHandler client = new SocketHandler() {
                @Override public void onConnect(TcpSocket s) { s.close(); }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
                @Override public void onError(TcpSocket s, UvException e) {
                    errors[0]++;
                }
                @Override public void onClose(TcpSocket s) {
                    clientClosed[0]++;
                    if (started[0] < cycles) {
                        started[0]++;
                        loop.connect("127.0.0.1", server[0].port(), this);
                    }
                    finishIfDone[0].run();
                }
            };
            before[0] = loop.stats();
            for (int i = 0; i < lanes; i++) {
                started[0]++;
                loop.connect("127.0.0.1", server[0].port(), client);
            }
        });
        wd[0].assertNotFired();
        assertEquals(0, errors[0]);
        assertEquals(cycles, clientClosed[0]);
        assertEquals(cycles, serverClosed[0]);
        LoopStats s = after[0];
        assertEquals(0, s.incomingTcp());
        assertEquals(0, s.outgoingTcp());
        assertEquals(0, s.pendingRequests());
        assertEquals(1, s.handles(HandleKind.TCP), "only the server is left");
        assertEquals(before[0].nativeBytes(), s.nativeBytes(), "native memory grew over the cycles");
        assertEquals(before[0].handles(), s.handles());
    }

    @Test
    void iterationsGrowAndIdleTimeIsCounted() {
        LoopStats[] first = new LoopStats[1];
        LoopStats[] last = new LoopStats[1];
        Loops.run(loop -> Loops.freshly(loop, () -> {
            first[0] = loop.stats();
            loop.delay(Duration.ofMillis(20), () -> loop.delay(Duration.ofMillis(20),
                    () -> loop.delay(Duration.ofMillis(20), () -> last[0] = loop.stats())));
        }));
        assertTrue(first[0].idleTime().compareTo(Duration.ZERO) >= 0);
        assertTrue(last[0].iterations() >= first[0].iterations() + 3,
                "iterations went from " + first[0].iterations() + " to " + last[0].iterations());
        assertFalse(last[0].idleTime().isNegative());
        assertTrue(last[0].idleTime().compareTo(Duration.ofMillis(20)) >= 0,
                "60 ms spent waiting for timers, idle time " + last[0].idleTime());
    }

    @Test
    void nativeMemoryFollowsHandlesAndComesBack() {
        long[] bytes = new long[4];
        Loops.run(loop -> Loops.freshly(loop, () -> {
            bytes[0] = loop.stats().nativeBytes();
            List<Timer> timers = new ArrayList<>();
            for (int i = 0; i < 100; i++) timers.add(loop.delay(Duration.ofSeconds(5), () -> { }));
            bytes[1] = loop.stats().nativeBytes();
            List<io.juv.net.Udp> sockets = new ArrayList<>();
            for (int i = 0; i < 20; i++) sockets.add(loop.udp("127.0.0.1", 0, (u, d, from) -> { }));
            bytes[2] = loop.stats().nativeBytes();
            timers.forEach(Timer::cancel);
            sockets.forEach(io.juv.net.Udp::close);
            loop.delay(Duration.ofMillis(30), () -> bytes[3] = loop.stats().nativeBytes()); // after the close callbacks
        }));
        assertTrue(bytes[0] > 64 * 1024, "the loop's own buffers are counted: " + bytes[0]);
        // Timers wait in a Java queue behind one libuv timer, made with the first (the zero delay's).
        assertEquals(bytes[0], bytes[1], "100 timers take no native memory");
        assertTrue(bytes[2] >= bytes[1] + 20 * 100, "20 UDP sockets took " + (bytes[2] - bytes[1]) + " bytes");
        assertEquals(bytes[0], bytes[3], "native bytes after closing the sockets");
    }

    @Test
    void statsOfAClosedLoopAreReadableFromAnyThread() {
        EventLoop loop = EventLoop.create();
        loop.run(l -> l.delay(Duration.ofMillis(5), () -> { }));
        long iterations = loop.stats().iterations();
        Loops.closeClean(loop);
        LoopStats[] s = new LoopStats[1];
        assertNull(Loops.onOtherThread(() -> s[0] = loop.stats()));
        assertEquals(0, s[0].nativeBytes());
        assertEquals(0, s[0].openHandles());
        assertTrue(s[0].iterations() >= iterations && iterations > 0);
    }
}
