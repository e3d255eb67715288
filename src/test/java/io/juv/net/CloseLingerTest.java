package io.juv.net;

import io.juv.Loops;
import io.juv.UvException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A graceful close delivers everything even when the peer's bytes sit unread: closing a socket
 * with unread bytes, or while the peer still sends, makes the kernel reset the connection and drop
 * what it has not yet delivered of our writes (Linux counts it as TCPAbortOnClose). juv lingers
 * until the peer's end instead.
 */
@Timeout(60)
class CloseLingerTest {

    private static final int PAYLOAD = 32 << 20; // more than both kernels' buffers hold

    /** A peer that greets at once, reads nothing for a while, then everything to the end. */
    private record SlowReader(ServerSocket socket, Thread thread, AtomicLong received, AtomicReference<byte[]> digest,
                              AtomicReference<IOException> failure) {
        static SlowReader start() throws IOException {
            ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            AtomicLong received = new AtomicLong();
            AtomicReference<byte[]> digest = new AtomicReference<>();
            AtomicReference<IOException> failure = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try (ss; Socket s = ss.accept()) {
                    s.getOutputStream().write("hello".getBytes()); // juv's client never reads it
                    Thread.sleep(300); // juv's writes fill both kernels' buffers and queue behind them
                    MessageDigest md = Loops.sha256();
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[64 * 1024];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        md.update(buf, 0, n);
                        received.addAndGet(n);
                    }
                    digest.set(md.digest());
                } catch (IOException e) {
                    failure.set(e); // "Connection reset" without the linger
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return new SlowReader(ss, t, received, digest, failure);
        }
    }

    @Test
    void closeDeliversEverythingThoughThePeersBytesWereNeverRead() throws Exception {
        byte[] payload = Loops.random(PAYLOAD, 31);
        SlowReader peer = SlowReader.start();
        AtomicReference<UvException> error = new AtomicReference<>();
        Loops.run(loop -> loop.connect("127.0.0.1", peer.socket().getLocalPort(), new SocketHandler() {
            @Override public void onData(TcpSocket s, java.nio.ByteBuffer data) {}
            @Override public void onConnect(TcpSocket s) {
                s.pause(); // the greeting stays in the kernel, unread
                s.write(payload);
                s.close();
            }
            @Override public void onError(TcpSocket s, UvException e) { error.set(e); }
        }));
        peer.thread().join(30_000);
        assertNull(error.get());
        assertNull(peer.failure().get(), () -> "the peer saw " + peer.failure().get() + " after " + peer.received() + " bytes");
        assertEquals(PAYLOAD, peer.received().get());
        assertArrayEquals(Loops.sha256(payload), peer.digest().get());
    }

    @Test
    void aPeerThatNeverEndsIsClosedAfterTheLinger() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = neverEndingPeer(ss);
            long[] closedAfter = new long[1];
            Loops.run(loop -> loop.connect("127.0.0.1", ss.getLocalPort(), new SocketHandler() {
            @Override public void onData(TcpSocket s, java.nio.ByteBuffer data) {}
                long closing;
                @Override public void onConnect(TcpSocket s) {
                    s.closeLinger(Duration.ofMillis(200));
                    s.write("bye");
                    closing = System.nanoTime();
                    s.close();
                    assertTrue(s.isClosed(), "closed to the program while it lingers");
                }
                @Override public void onClose(TcpSocket s) { closedAfter[0] = (System.nanoTime() - closing) / 1_000_000; }
            }));
            peer.interrupt();
            peer.join(10_000);
            assertTrue(closedAfter[0] >= 150 && closedAfter[0] < 3_000, "closed after " + closedAfter[0] + " ms");
        }
    }

    @Test
    void aZeroLingerClosesWithoutWaitingForThePeer() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = neverEndingPeer(ss);
            long[] closedAfter = new long[1];
            Loops.run(loop -> loop.connect("127.0.0.1", ss.getLocalPort(), new SocketHandler() {
            @Override public void onData(TcpSocket s, java.nio.ByteBuffer data) {}
                long closing;
                @Override public void onConnect(TcpSocket s) {
                    s.closeLinger(Duration.ZERO);
                    closing = System.nanoTime();
                    s.close();
                }
                @Override public void onClose(TcpSocket s) { closedAfter[0] = (System.nanoTime() - closing) / 1_000_000; }
            }));
            peer.interrupt();
            peer.join(10_000);
            assertTrue(closedAfter[0] < 150, "closed after " + closedAfter[0] + " ms");
        }
    }

    @Test
    void exitCutsALingerShort() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = neverEndingPeer(ss);
            long[] closedAfter = new long[1];
            Loops.run(loop -> loop.connect("127.0.0.1", ss.getLocalPort(), new SocketHandler() {
                long closing;
                @Override public void onData(TcpSocket s, java.nio.ByteBuffer data) {}
                @Override public void onConnect(TcpSocket s) {
                    s.write("bye");
                    closing = System.nanoTime();
                    s.close(); // lingers up to 2 s for the peer's end
                    loop.delay(Duration.ofMillis(100), loop::exit);
                }
                @Override public void onClose(TcpSocket s) { closedAfter[0] = (System.nanoTime() - closing) / 1_000_000; }
            }));
            peer.interrupt();
            peer.join(10_000);
            assertTrue(closedAfter[0] >= 90 && closedAfter[0] < 1_500, "closed after " + closedAfter[0] + " ms");
        }
    }

    /** A peer that reads to our end and never ends its side; the test interrupts it. */
    private static Thread neverEndingPeer(ServerSocket ss) {
        return Thread.ofPlatform().start(() -> {
            try (Socket s = ss.accept()) {
                s.getInputStream().readAllBytes();
                Thread.sleep(5_000);
            } catch (IOException | InterruptedException ignored) {
                // the test ends it
            }
        });
    }
}
