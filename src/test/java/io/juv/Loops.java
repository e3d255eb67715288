package io.juv;

import io.juv.net.TcpServer;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test support: runs a loop and proves it ended clean. After run returns, no handle, request or
 * connection may be left; after close (which throws unless uv_loop_close returned 0), not one
 * byte of native memory.
 */
public final class Loops {

    private Loops() {}

    /** Runs start on a new loop until it has nothing left to do, then checks it is clean and closes it. */
    public static void run(Consumer<EventLoop> start) {
        EventLoop loop = EventLoop.create();
        try {
            loop.run(start);
            assertClean(loop);
        } finally {
            closeClean(loop);
        }
    }

    public static void assertClean(EventLoop loop) {
        LoopStats s = loop.stats();
        assertEquals(0, s.openHandles(), () -> "handles left open: " + s.handles());
        assertEquals(0, s.pendingRequests(), "requests left pending");
        assertEquals(0, s.incomingTcp(), "incoming connections left");
        assertEquals(0, s.outgoingTcp(), "outgoing connections left");
    }

    /** Closes the loop (uv_loop_close must return 0, or close throws) and checks no native byte is left. */
    public static void closeClean(EventLoop loop) {
        loop.close();
        assertTrue(loop.isClosed());
        assertEquals(0, loop.stats().nativeBytes(), "native memory left allocated");
    }

    // ------------------------------------------------------------------ watchdog

    /** A timer that ends a stuck test: it exits the loop. The test cancels it when done and asserts it never fired. */
    public static final class Watchdog {
        private final Timer timer;
        private boolean fired;

        public Watchdog(EventLoop loop, Duration after) {
            timer = loop.delay(after, () -> {
                fired = true;
                loop.exit();
            });
        }

        public void cancel() {
            timer.cancel();
        }

        public boolean fired() {
            return fired;
        }

        public void assertNotFired() {
            assertFalse(fired, "the watchdog fired: the test did not finish in time");
        }
    }

    public static Watchdog watchdog(EventLoop loop) {
        return new Watchdog(loop, Duration.ofSeconds(5));
    }

    public static Watchdog watchdog(EventLoop loop, Duration after) {
        return new Watchdog(loop, after);
    }

    /**
     * Runs r from a zero-delay timer, where libuv has just updated the loop's time: timing tests
     * start there, so what they measure begins in the same iteration as the delays they ask for.
     */
    public static void freshly(EventLoop loop, Runnable r) {
        loop.delay(Duration.ZERO, r);
    }

    // ------------------------------------------------------------------ TCP helpers

    /** A server on 127.0.0.1 (system-chosen port) that echoes what it reads, copying it first. */
    public static TcpServer echoServer(EventLoop loop) {
        return loop.listen("127.0.0.1", 0, (s, data) -> s.write(bytes(data)));
    }

    /** Copies a buffer's remaining bytes (the read view is only valid during onData). */
    public static byte[] bytes(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        return b;
    }

    public static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    public static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    /** The SHA-256 of the next {@code length} bytes of {@code in}; fails if it ends before them. */
    public static byte[] sha256(java.io.InputStream in, long length) throws java.io.IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[64 * 1024];
        for (long total = 0; total < length; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, length - total));
            if (n < 0) throw new AssertionError("the stream ended after " + total + " of " + length + " bytes");
            md.update(buf, 0, n);
            total += n;
        }
        return md.digest();
    }

    /** A port on 127.0.0.1 where nothing listens (one the system just handed out and took back). */
    public static int closedPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs r on a new thread and returns what it threw (null if nothing). */
    public static Throwable onOtherThread(Runnable r) {
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }, "not-the-loop");
        t.start();
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertFalse(t.isAlive(), "the other thread did not finish");
        return thrown[0];
    }
}
