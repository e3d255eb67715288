package io.juv.reliability;

import io.juv.ErrorKind;
import io.juv.Loops;
import io.juv.UvException;
import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, item 6: what a peer's reset (RST) and half-close (FIN) do to a juv stream. A reset
 * while idle, with writes queued, and met by a try-write surfaces exactly once, as
 * {@link ErrorKind#CONNECTION_RESET}, to onError or to the write that met it, and the stream then
 * closes; a half-close surfaces once as onEnd, every byte sent before it arrives, and with
 * half-open allowed the stream still writes until the program ends it. After the close nothing
 * is written: writes are refused with {@link ErrorKind#SOCKET_CLOSED}, and the peer reads no
 * more than was written before.
 */
@Timeout(60)
class ResetTest {

    @org.junit.jupiter.api.extension.RegisterExtension
    final Watchdogs watchdogs = new Watchdogs();

    private static final byte[] CHUNK = Loops.random(16 * 1024, 13);

    private static ServerSocket javaPeer() throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReceiveBufferSize(4096);
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        return ss;
    }

    /** Resets a java.net socket: SO_LINGER 0, then close, sends RST instead of FIN. */
    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Socket accept(ServerSocket ss) {
        try {
            return ss.accept(); // juv's connect completed: the connection waits in the accept queue, so this does not block
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A juv client's handler that journals everything, "close" last. */
    private static SocketHandler journalling(EventLog log, Consumer<TcpSocket> onConnect, Consumer<TcpSocket> onClose) {
        return new SocketHandler() {
            @Override public void onConnect(TcpSocket s) { onConnect.accept(s); }
            @Override public void onData(TcpSocket s, ByteBuffer data) { log.add("data"); }
            @Override public void onEnd(TcpSocket s) { log.add("end"); }
            @Override public void onError(TcpSocket s, UvException e) { log.add("error", e.kind() + "/" + e.errorName()); }
            @Override public void onClose(TcpSocket s) {
                log.add("close");
                onClose.accept(s);
            }
        };
    }

    /** Every error the stream surfaced (onError and its writes' callbacks), cancellations aside. */
    private static List<String> errorsSeen(EventLog log) {
        List<String> seen = new ArrayList<>();
        for (String e : log.entries()) {
            if (e.startsWith("error ") || (e.startsWith("w") && !e.endsWith(" ok") && !e.contains("CANCELED"))) seen.add(e);
        }
        return seen;
    }

    private static void assertRefusedAfterClose(TcpSocket s) {
        UvException[] got = new UvException[1];
        assertFalse(s.write(CHUNK, (st, e) -> got[0] = e), "a write after close is refused");
        assertEquals(ErrorKind.SOCKET_CLOSED, got[0].kind());
    }

    // ------------------------------------------------------------------ reset while idle

    @Test
    void aJavaPeersResetWhileIdleSurfacesOnceAsConnectionReset() throws IOException {
        EventLog log = new EventLog();
        log.expect("close", 1);
        try (ServerSocket peer = javaPeer()) {
            Loops.run(loop -> {
                Loops.Watchdog wd = watchdogs.arm(loop, Duration.ofSeconds(10));
                loop.connect("127.0.0.1", peer.getLocalPort(), journalling(log, s -> {
                    Socket p = accept(peer);
                    loop.delay(Duration.ofMillis(20), () -> reset(p)); // juv is reading and idle by then
                }, s -> {
                    assertRefusedAfterClose(s);
                    wd.cancel();
                }));
            });
        }
        log.assertAllCalled();
        assertEquals(List.of("error CONNECTION_RESET/ECONNRESET", "close"), log.entries());
    }

    @Test
    void aJuvPeersResetWhileIdleSurfacesOnceAsConnectionReset() {
        EventLog log = new EventLog();
        log.expect("close", 1);
        log.expect("peer close", 1);
        Loops.run(loop -> {
            Loops.Watchdog wd = watchdogs.arm(loop, Duration.ofSeconds(10));
            TcpServer server = loop.listen("127.0.0.1", 0, new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    loop.delay(Duration.ofMillis(20), s::reset);
                }
                @Override public void onData(TcpSocket s, ByteBuffer data) {}
                @Override public void onError(TcpSocket s, UvException e) { log.add("peer error", e.kind().toString()); }
                @Override public void onClose(TcpSocket s) { log.add("peer close"); }
            });
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onData(TcpSocket s, ByteBuffer data) { log.add("data"); }
                @Override public void onEnd(TcpSocket s) { log.add("end"); }
                @Override public void onError(TcpSocket s, UvException e) { log.add("error", e.kind() + "/" + e.errorName()); }
                @Override public void onClose(TcpSocket s) {
                    log.add("close");
                    assertRefusedAfterClose(s);
                    server.close();
                    wd.cancel();
                }
            });
        });
        log.assertAllCalled();
        assertEquals(0, log.count("peer error"), "reset() is the peer's own close: no error there");
        assertEquals(1, log.count("error CONNECTION_RESET/ECONNRESET"), log::summary);
        assertEquals(0, log.count("end") + log.count("data"), log::summary);
        log.assertCloseLast("close", "error", "end", "data");
    }

    // ------------------------------------------------------------------ reset with writes queued

    /**
     * 1,000 writes queued to a peer that does not read, then the peer resets: the reset surfaces
     * once (onError, or the callback of the write that met it), every write's callback runs once
     * in order (ok, then at most the one that met the reset, then CANCELED), all before onClose.
     */
    @ParameterizedTest(name = "with write callbacks: {0}")
    @ValueSource(booleans = {true, false})
    void aPeersResetWithWritesQueuedSurfacesOnceAndCancelsTheRest(boolean callbacks) throws IOException {
        EventLog log = new EventLog();
        log.expect("close", 1);
        int writes = 1000;
        try (ServerSocket peer = javaPeer()) {
            Loops.run(loop -> {
                Loops.Watchdog wd = watchdogs.arm(loop, Duration.ofSeconds(20));
                loop.connect("127.0.0.1", peer.getLocalPort(), new SocketHandler() {
                    @Override public void onConnect(TcpSocket s) {
                        Socket p = accept(peer);
                        s.sendBufferSize(4096);
                        for (int i = 0; i < writes; i++) {
                            String name = "w" + i;
                            if (callbacks) {
                                log.expect(name, 1);
                                s.write(CHUNK, (st, e) -> log.add(name, e == null ? "ok" : e.kind() + "/" + e.errorName()));
                            } else {
                                s.write(CHUNK);
                            }
                        }
                        assertTrue(s.queuedWrites() > writes / 2, "the peer does not read: " + s.queuedWrites());
                        loop.delay(Duration.ofMillis(20), () -> reset(p));
                    }
                    @Override public void onData(TcpSocket s, ByteBuffer data) { log.add("data"); }
                    @Override public void onEnd(TcpSocket s) { log.add("end"); }
                    @Override public void onError(TcpSocket s, UvException e) { log.add("error", e.kind() + "/" + e.errorName()); }
                    @Override public void onClose(TcpSocket s) {
                        log.add("close");
                        assertEquals(0, s.queuedWrites(), "nothing is left queued once closed");
                        assertRefusedAfterClose(s);
                        wd.cancel();
                    }
                });
            });
        }
        log.assertAllCalled();
        log.assertCloseLast("close", "w", "error", "end", "data");
        List<String> errors = errorsSeen(log);
        assertEquals(1, errors.size(), () -> "the reset surfaces exactly once: " + log.summary());
        assertTrue(errors.getFirst().endsWith("CONNECTION_RESET/ECONNRESET"), () -> "typed as a reset: " + errors);
        if (!callbacks) assertEquals(1, log.count("error"), () -> "with no write callbacks it goes to onError: " + log.summary());
    }

    // ------------------------------------------------------------------ reset met by a try-write

    @ParameterizedTest(name = "with a write callback: {0}")
    @ValueSource(booleans = {true, false})
    void aPeersResetMetByATryWriteSurfacesOnceToThatWrite(boolean callback) throws IOException {
        EventLog log = new EventLog();
        log.expect("close", 1);
        try (ServerSocket peer = javaPeer()) {
            Loops.run(loop -> {
                Loops.Watchdog wd = watchdogs.arm(loop, Duration.ofSeconds(10));
                loop.connect("127.0.0.1", peer.getLocalPort(), new SocketHandler() {
                    @Override public void onConnect(TcpSocket s) {
                        // No read runs between the reset and the write: both on the loop's thread,
                        // so the write is the first to meet the RST (the kernel has it after the sleep).
                        reset(accept(peer));
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                        assertEquals(0, s.queuedWrites());
                        boolean writable = callback
                                ? s.write("small enough to be tried at once", (st, e) -> log.add("w0", e == null ? "ok" : e.kind() + "/" + e.errorName()))
                                : s.write("small enough to be tried at once");
                        log.add("write returned " + writable);
                        assertTrue(s.isClosed(), "a failed try-write closes the stream");
                        assertRefusedAfterClose(s);
                    }
                    @Override public void onData(TcpSocket s, ByteBuffer data) { log.add("data"); }
                    @Override public void onEnd(TcpSocket s) { log.add("end"); }
                    @Override public void onError(TcpSocket s, UvException e) { log.add("error", e.kind() + "/" + e.errorName()); }
                    @Override public void onClose(TcpSocket s) {
                        log.add("close");
                        wd.cancel();
                    }
                });
            });
        }
        log.assertAllCalled();
        String reported = callback ? "w0 CONNECTION_RESET/ECONNRESET" : "error CONNECTION_RESET/ECONNRESET";
        assertEquals(List.of(reported, "write returned false", "close"), log.entries());
    }

    // ------------------------------------------------------------------ half-close

    /**
     * The peer writes {@code sent} bytes and shuts its output down, then reads to the end. juv
     * answers with {@code answer} bytes written in onEnd (and, half-open, more from a timer after
     * it, then shutdown). Returns what the peer read.
     */
    private static final class HalfClosingPeer {
        final byte[] sent = Loops.random(3 * 1024 * 1024 + 17, 21);
        final CompletableFuture<byte[]> read = new CompletableFuture<>();
        final ServerSocket server;

        HalfClosingPeer() throws IOException {
            server = javaPeer();
            Thread t = new Thread(() -> {
                try (Socket c = server.accept(); OutputStream out = c.getOutputStream(); InputStream in = c.getInputStream()) {
                    out.write(sent);
                    c.shutdownOutput();
                    read.complete(in.readAllBytes());
                } catch (Throwable e) {
                    read.completeExceptionally(e);
                }
            }, "half-closing-peer");
            t.setDaemon(true);
            t.start();
        }
    }

    @ParameterizedTest(name = "allowHalfOpen: {0}")
    @ValueSource(booleans = {true, false})
    void aPeersHalfCloseSurfacesOnceAndLosesNothing(boolean halfOpen) throws Exception {
        EventLog log = new EventLog();
        log.expect("end", 1);
        log.expect("close", 1);
        HalfClosingPeer peer = new HalfClosingPeer();
        MessageDigest got = Loops.sha256();
        long[] count = {0};
        byte[] inEnd = Loops.random(200_000, 22);
        byte[] later = Loops.random(300_000, 23);
        try (ServerSocket ss = peer.server) {
            Loops.run(loop -> {
                Loops.Watchdog wd = watchdogs.arm(loop, Duration.ofSeconds(20));
                loop.connect("127.0.0.1", ss.getLocalPort(), new SocketHandler() {
                    @Override public void onConnect(TcpSocket s) {
                        // (No small SO_RCVBUF here: shrunk below loopback's 64 KiB MSS after the handshake,
                        // Linux prunes whole segments and the sender backs off for seconds.)
                        s.allowHalfOpen(halfOpen);
                    }
                    @Override public void onData(TcpSocket s, ByteBuffer data) {
                        if (log.count("end") > 0) log.add("data after end");
                        count[0] += data.remaining();
                        got.update(data);
                    }
                    @Override public void onEnd(TcpSocket s) {
                        log.add("end");
                        s.write(inEnd, (st, e) -> log.add("w-in-end", e == null ? "ok" : e.kind().toString()));
                        loop.delay(Duration.ofMillis(50), () -> {
                            // Half-open: still writable after the peer's end. Not: closed after onEnd, so refused.
                            boolean accepted = s.write(later, (st, e) -> log.add("w-later", e == null ? "ok" : e.kind().toString()));
                            log.add("later returned " + accepted); // writable(): false half-open too, as 300 KB pass the high water mark
                            if (halfOpen) s.shutdown();
                        });
                    }
                    @Override public void onError(TcpSocket s, UvException e) { log.add("error", e.kind() + "/" + e.errorName()); }
                    @Override public void onClose(TcpSocket s) {
                        log.add("close");
                        assertRefusedAfterClose(s);
                        wd.cancel();
                    }
                });
            });
            byte[] answer = peer.read.get(10, TimeUnit.SECONDS);
            byte[] expected = halfOpen ? concat(inEnd, later) : inEnd;
            assertEquals(expected.length, answer.length, "the peer reads what juv wrote before its end, and nothing after close");
            assertArrayEquals(Loops.sha256(expected), Loops.sha256(answer));
        }
        log.assertAllCalled();
        assertEquals(peer.sent.length, count[0], "every byte sent before the half-close arrived");
        assertArrayEquals(Loops.sha256(peer.sent), got.digest());
        assertEquals(0, log.count("data after end") + log.count("error"), log::summary);
        log.assertCloseLast("close", "w-in-end", "end", "data", "error");
        if (halfOpen) {
            assertEquals(List.of("end", "w-in-end ok", "later returned false", "w-later ok", "close"), withoutData(log));
        } else {
            // The close follows onEnd by itself: the later write is refused, before or after onClose.
            List<String> order = new ArrayList<>(withoutData(log));
            assertTrue(order.indexOf("close") > order.indexOf("w-in-end ok"), log::summary);
            order.remove("close");
            assertEquals(List.of("end", "w-in-end ok", "w-later SOCKET_CLOSED", "later returned false"), order);
        }
    }

    private static List<String> withoutData(EventLog log) {
        return log.entries().stream().filter(e -> !e.equals("data")).toList();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
