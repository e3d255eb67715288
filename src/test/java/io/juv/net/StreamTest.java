package io.juv.net;

import io.juv.ErrorKind;
import io.juv.Loops;
import io.juv.Stream;
import io.juv.UvException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stream type's behaviour, on TCP: half-close, backpressure, idle timeouts, reset, futures, the blocking adapters. */
@Timeout(60)
class StreamTest {

    private static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    // ------------------------------------------------------------------ half-close

    /** The client ends its side after the request; the server, allowing half-open, answers afterwards. */
    @Test
    void halfCloseFromTheClientLetsTheServerAnswerAfterEndOfStream() {
        StringBuilder serverGot = new StringBuilder();
        StringBuilder clientGot = new StringBuilder();
        List<String> events = new ArrayList<>();
        List<UvException> errors = new ArrayList<>();
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.listen("127.0.0.1", 0, new SocketHandler() {
                public void onConnect(TcpSocket s) { s.allowHalfOpen(true); }
                public void onData(TcpSocket s, ByteBuffer data) { serverGot.append(text(data)); }
                public void onEnd(TcpSocket s) {
                    events.add("server end");
                    assertFalse(s.isClosed(), "half-open: still open for writing");
                    assertTrue(s.isReadEnded());
                    assertTrue(s.write("answer to " + serverGot));
                    s.close();
                    server[0].close();
                }
                public void onError(TcpSocket s, UvException e) { errors.add(e); }
            });
            loop.connect("127.0.0.1", server[0].port(), new SocketHandler() {
                public void onConnect(TcpSocket s) {
                    s.write("question");
                    s.shutdown();
                    assertTrue(s.isWriteEnded());
                    assertFalse(s.isClosed(), "a half-close keeps reading");
                    assertFalse(s.write("too late"), "writes after shutdown are refused");
                }
                public void onData(TcpSocket s, ByteBuffer data) { clientGot.append(text(data)); }
                public void onEnd(TcpSocket s) { events.add("client end"); }
                public void onError(TcpSocket s, UvException e) { errors.add(e); }
                public void onClose(TcpSocket s) {
                    events.add("client closed");
                    wd[0].cancel();
                }
            });
        });
        wd[0].assertNotFired();
        assertEquals("question", serverGot.toString());
        assertEquals("answer to question", clientGot.toString());
        assertEquals(List.of("server end", "client end", "client closed"), events);
        assertEquals(List.of(), errors);
    }

    /** The server ends first; the client, allowing half-open, keeps writing and the server keeps reading. */
    @Test
    void halfCloseFromTheServerLetsTheClientGoOnWriting() {
        StringBuilder serverGot = new StringBuilder();
        int[] clientEnds = {0};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.listen("127.0.0.1", 0, new SocketHandler() {
                public void onConnect(TcpSocket s) {
                    s.write("bye for now");
                    s.shutdown();
                }
                public void onData(TcpSocket s, ByteBuffer data) { serverGot.append(text(data)); }
                public void onEnd(TcpSocket s) { server[0].close(); }
                public void onClose(TcpSocket s) { wd[0].cancel(); }
            });
            loop.connect("127.0.0.1", server[0].port(), new SocketHandler() {
                public void onConnect(TcpSocket s) { s.allowHalfOpen(true); }
                public void onData(TcpSocket s, ByteBuffer data) { }
                public void onEnd(TcpSocket s) {
                    clientEnds[0]++;
                    s.write("one");
                    loop.delay(Duration.ofMillis(20), () -> {
                        s.write(" two");
                        s.close();
                    });
                }
            });
        });
        wd[0].assertNotFired();
        assertEquals(1, clientEnds[0]);
        assertEquals("one two", serverGot.toString());
    }

    /** Without half-open, the peer's end closes the stream gracefully: what onEnd writes still arrives. */
    @Test
    void withoutHalfOpenEndOfStreamClosesAfterFlushingWhatOnEndWrote() {
        StringBuilder clientGot = new StringBuilder();
        boolean[] serverClosed = {false};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.listen("127.0.0.1", 0, new SocketHandler() {
                public void onData(TcpSocket s, ByteBuffer data) { }
                public void onEnd(TcpSocket s) { s.write(new byte[200_000]); s.write("last"); }
                public void onClose(TcpSocket s) {
                    serverClosed[0] = true;
                    server[0].close();
                }
            });
            loop.connect("127.0.0.1", server[0].port(), new SocketHandler() {
                public void onConnect(TcpSocket s) {
                    s.allowHalfOpen(true);
                    s.shutdown();
                }
                public void onData(TcpSocket s, ByteBuffer data) { clientGot.append(StandardCharsets.ISO_8859_1.decode(data)); }
                public void onClose(TcpSocket s) { wd[0].cancel(); }
            });
        });
        wd[0].assertNotFired();
        assertTrue(serverClosed[0]);
        assertEquals(200_004, clientGot.length());
        assertTrue(clientGot.toString().endsWith("last"));
    }

    // ------------------------------------------------------------------ backpressure

    /**
     * A writer that stops when writable() is false and goes on at onDrain, against a reader that
     * reads in bursts: the queue never holds more than the high water mark plus one write, and
     * every byte arrives in order.
     */
    @Test
    void aSlowReaderHoldsTheWritersQueueUnderTheHighMarkPlusOneWrite() {
        int chunk = 16 * 1024;
        long total = 16L * 1024 * 1024;
        long[] maxQueued = {0};
        int[] drains = {0};
        MessageDigest sent = Loops.sha256();
        MessageDigest received = Loops.sha256();
        long[] receivedCount = {0};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(30));
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.listen("127.0.0.1", 0, new SocketHandler() {
                public void onConnect(TcpSocket s) {
                    s.receiveBufferSize(256 * 1024); // above loopback's 64 KiB MSS: smaller windows stall TCP on zero-window probes
                    // Read in bursts: 10 ms reading, 10 ms paused.
                    loop.interval(Duration.ofMillis(10), t -> {
                        if (s.isClosed()) t.cancel();
                        else if (s.isPaused()) s.resume();
                        else s.pause();
                    });
                }
                public void onData(TcpSocket s, ByteBuffer data) {
                    receivedCount[0] += data.remaining();
                    received.update(data);
                    if (receivedCount[0] == total) {
                        s.close();
                        server[0].close();
                    }
                }
            });
            loop.connect("127.0.0.1", server[0].port(), new SocketHandler() {
                long written;
                final java.util.Random random = new java.util.Random(7);

                void pump(TcpSocket s) {
                    while (written < total) {
                        byte[] b = new byte[chunk];
                        random.nextBytes(b);
                        sent.update(b);
                        written += chunk;
                        boolean more = s.write(b);
                        maxQueued[0] = Math.max(maxQueued[0], s.queuedBytes());
                        if (!more) return; // wait for onDrain
                    }
                    s.close();
                }
                public void onConnect(TcpSocket s) {
                    s.sendBufferSize(256 * 1024);
                    pump(s);
                }
                public void onDrain(TcpSocket s) {
                    drains[0]++;
                    assertTrue(s.writable());
                    assertTrue(s.queuedBytes() <= s.lowWaterMark());
                    pump(s);
                }
                public void onData(TcpSocket s, ByteBuffer data) { }
                public void onClose(TcpSocket s) { wd[0].cancel(); }
            });
        });
        wd[0].assertNotFired();
        assertEquals(total, receivedCount[0]);
        assertArrayEquals(sent.digest(), received.digest());
        assertTrue(drains[0] > 10, "the writer was held back only " + drains[0] + " times");
        assertTrue(maxQueued[0] <= Stream.DEFAULT_HIGH_WATER_MARK + chunk,
                "queue reached " + maxQueued[0] + " bytes, over the high mark plus one write");
    }

    @Test
    void waterMarksAreValidated() {
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop);
            TcpServer server = Loops.echoServer(loop);
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                public void onConnect(TcpSocket s) {
                    assertThrows(IllegalArgumentException.class, () -> s.waterMarks(10, 5));
                    assertThrows(IllegalArgumentException.class, () -> s.waterMarks(-1, 5));
                    s.waterMarks(0, 10);
                    assertEquals(10, s.highWaterMark());
                    assertEquals(0, s.lowWaterMark());
                    s.close();
                    server.close();
                    wd.cancel();
                }
                public void onData(TcpSocket s, ByteBuffer data) { }
            });
        });
    }

    // ------------------------------------------------------------------ timeouts

    /** A read timeout re-armed by each read: quiet for its length, it fires once, with TIMED_OUT. */
    @Test
    void readTimeoutFiresOnlyWhenIdle() {
        List<UvException> serverErrors = new ArrayList<>();
        long[] lastDataAt = {0};
        long[] timedOutAfter = {-1};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.listen("127.0.0.1", 0, new SocketHandler() {
                public void onConnect(TcpSocket s) { s.readTimeout(Duration.ofMillis(150)); }
                public void onData(TcpSocket s, ByteBuffer data) { lastDataAt[0] = System.nanoTime(); }
                public void onError(TcpSocket s, UvException e) {
                    serverErrors.add(e);
                    timedOutAfter[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastDataAt[0]);
                }
                public void onClose(TcpSocket s) { server[0].close(); }
            });
            loop.connect("127.0.0.1", server[0].port(), new SocketHandler() {
                int sent;
                public void onConnect(TcpSocket s) {
                    // Every 50 ms for 600 ms (four times the timeout), then silence.
                    loop.interval(Duration.ofMillis(50), t -> {
                        if (++sent > 12 || s.isClosed()) t.cancel();
                        else s.write("ping");
                    });
                }
                public void onData(TcpSocket s, ByteBuffer data) { }
                public void onClose(TcpSocket s) { wd[0].cancel(); }
            });
        });
        wd[0].assertNotFired();
        assertEquals(1, serverErrors.size(), () -> "errors: " + serverErrors);
        assertEquals(ErrorKind.TIMED_OUT, serverErrors.get(0).kind());
        assertTrue(timedOutAfter[0] >= 140 && timedOutAfter[0] < 600,
                "timed out " + timedOutAfter[0] + " ms after the last data");
    }

    /** A write timeout counts only while writes are queued and making no progress. */
    @Test
    void writeTimeoutFiresOnlyWhileAWriteIsStuck() {
        List<UvException> stuckErrors = new ArrayList<>();
        List<UvException> idleErrors = new ArrayList<>();
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(10));
            List<TcpSocket> accepted = new ArrayList<>();
            TcpServer server = loop.listen("127.0.0.1", 0, new SocketHandler() {
                public void onConnect(TcpSocket s) {
                    s.pause(); // never reads
                    accepted.add(s);
                }
                public void onData(TcpSocket s, ByteBuffer data) { }
            });
            // Idle with a write timeout: nothing queued, so nothing times out.
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                public void onConnect(TcpSocket idle) {
                    idle.writeTimeout(Duration.ofMillis(100));
                    idle.write("small, taken at once");
                    loop.delay(Duration.ofMillis(600), () -> {
                        assertFalse(idle.isClosed(), "an idle stream timed out");
                        idle.close();
                    });
                }
                public void onData(TcpSocket s, ByteBuffer data) { }
                public void onError(TcpSocket s, UvException e) { idleErrors.add(e); }
            });
            // Stuck: the peer never reads, so the queue cannot move.
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                public void onConnect(TcpSocket stuck) {
                    stuck.writeTimeout(Duration.ofMillis(200));
                    // 64 MB: more than every buffer on the way holds.
                    for (int i = 0; i < 64; i++) stuck.write(new byte[1 << 20]);
                    assertTrue(stuck.queuedWrites() > 0);
                }
                public void onData(TcpSocket s, ByteBuffer data) { }
                public void onError(TcpSocket s, UvException e) { stuckErrors.add(e); }
                public void onClose(TcpSocket s) {
                    loop.delay(Duration.ofMillis(700), () -> {
                        accepted.forEach(TcpSocket::closeNow);
                        server.close();
                        wd[0].cancel();
                    });
                }
            });
        });
        wd[0].assertNotFired();
        assertEquals(List.of(), idleErrors);
        assertEquals(1, stuckErrors.size(), () -> "errors: " + stuckErrors);
        assertEquals(ErrorKind.TIMED_OUT, stuckErrors.get(0).kind());
    }

    // ------------------------------------------------------------------ reset

    /** reset() sends an RST: the peer sees CONNECTION_RESET once, the resetting side no error at all. */
    @Test
    void resetIsSeenByThePeerAsConnectionResetOnce() {
        List<UvException> serverErrors = new ArrayList<>();
        List<UvException> clientErrors = new ArrayList<>();
        int[] serverEnds = {0};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.listen("127.0.0.1", 0, new SocketHandler() {
                public void onData(TcpSocket s, ByteBuffer data) { }
                public void onEnd(TcpSocket s) { serverEnds[0]++; }
                public void onError(TcpSocket s, UvException e) { serverErrors.add(e); }
                public void onClose(TcpSocket s) {
                    server[0].close();
                    wd[0].cancel();
                }
            });
            loop.connect("127.0.0.1", server[0].port(), new SocketHandler() {
                public void onConnect(TcpSocket s) {
                    s.write("something");
                    loop.delay(Duration.ofMillis(30), () -> {
                        s.reset();
                        assertTrue(s.isClosed());
                        s.reset(); // twice is harmless
                    });
                }
                public void onData(TcpSocket s, ByteBuffer data) { }
                public void onError(TcpSocket s, UvException e) { clientErrors.add(e); }
            });
        });
        wd[0].assertNotFired();
        assertEquals(1, serverErrors.size(), () -> "errors: " + serverErrors);
        assertEquals(ErrorKind.CONNECTION_RESET, serverErrors.get(0).kind());
        assertEquals(0, serverEnds[0]);
        assertEquals(List.of(), clientErrors);
    }

    // ------------------------------------------------------------------ futures

    @Test
    void writeAsyncCompletesOnceTheKernelHasTheBytes() {
        List<Object> results = new ArrayList<>();
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer server = loop.listen("127.0.0.1", 0, (s, d) -> { });
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                public void onConnect(TcpSocket s) {
                    CompletableFuture<Void> small = s.writeAsync("small");
                    CompletableFuture<Void> large = s.writeAsync(new byte[4 << 20]);
                    assertTrue(small.isDone(), "taken by the kernel at once");
                    small.thenRun(() -> results.add("small"));
                    large.whenComplete((v, e) -> {
                        results.add(e == null ? "large" : e);
                        s.closeNow();
                        CompletableFuture<Void> late = s.writeAsync("late");
                        late.whenComplete((v2, e2) -> results.add(e2));
                        server.close();
                        wd[0].cancel();
                    });
                }
                public void onData(TcpSocket s, ByteBuffer data) { }
            });
        });
        wd[0].assertNotFired();
        assertEquals("small", results.get(0));
        assertEquals("large", results.get(1));
        UvException late = assertInstanceOf(UvException.class, results.get(2));
        assertEquals(ErrorKind.SOCKET_CLOSED, late.kind());
    }

    // ------------------------------------------------------------------ blocking adapters

    /**
     * 10 MB written through an OutputStream on one thread, echoed by a juv server, read back
     * through an InputStream on another: every byte, in order, with backpressure both ways.
     */
    @Test
    void blockingAdaptersMoveTenMegabytesBothWays() throws Exception {
        int size = 10 * 1024 * 1024;
        byte[] data = Loops.random(size, 11);
        byte[][] got = new byte[1][];
        Throwable[] offLoop = new Throwable[2];
        Throwable[] onLoop = new Throwable[2];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(40));
            TcpServer server = Loops.echoServer(loop);
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                public void onConnect(TcpSocket s) {
                    InputStream in = s.inputStream(64 * 1024);
                    OutputStream out = s.outputStream();
                    // On the loop thread they refuse to block.
                    onLoop[0] = assertThrows(IllegalStateException.class, () -> out.write(1));
                    onLoop[1] = assertThrows(IllegalStateException.class, in::read);
                    Thread writer = Thread.ofPlatform().name("writer").start(() -> {
                        try (out) {
                            for (int off = 0; off < size; off += 100_000) out.write(data, off, Math.min(100_000, size - off));
                        } catch (Throwable t) {
                            offLoop[0] = t;
                        }
                    });
                    Thread.ofPlatform().name("reader").start(() -> {
                        try {
                            got[0] = in.readAllBytes();
                            writer.join();
                        } catch (Throwable t) {
                            offLoop[1] = t;
                        }
                        loop.execute(() -> {
                            s.close();
                            server.close();
                            wd[0].cancel();
                        });
                    });
                }
                public void onData(TcpSocket s, ByteBuffer d) { throw new AssertionError("reads go to the input stream"); }
            });
        });
        wd[0].assertNotFired();
        assertNull(offLoop[0]);
        assertNull(offLoop[1]);
        assertEquals(size, got[0].length);
        assertArrayEquals(Loops.sha256(data), Loops.sha256(got[0]));
    }

    /** The echo server closing on end of stream: the input stream then ends with -1, not an error. */
    @Test
    void inputStreamEndsAtTheEndOfTheStream() {
        byte[][] got = new byte[1][];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer server = loop.listen("127.0.0.1", 0, new SocketHandler() {
                public void onConnect(TcpSocket s) { s.write("all there is"); s.close(); }
                public void onData(TcpSocket s, ByteBuffer data) { }
            });
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                public void onConnect(TcpSocket s) {
                    InputStream in = s.inputStream();
                    Thread.ofPlatform().start(() -> {
                        try {
                            got[0] = in.readAllBytes();
                        } catch (Exception e) {
                            got[0] = e.toString().getBytes(StandardCharsets.UTF_8);
                        }
                        loop.execute(() -> { server.close(); wd[0].cancel(); });
                    });
                }
                public void onData(TcpSocket s, ByteBuffer data) { }
            });
        });
        wd[0].assertNotFired();
        assertEquals("all there is", new String(got[0], StandardCharsets.UTF_8));
    }
}
