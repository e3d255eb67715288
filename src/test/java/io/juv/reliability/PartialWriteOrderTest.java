package io.juv.reliability;

import io.juv.Loops;
import io.juv.Stream;
import io.juv.UvException;
import io.juv.WriteCallback;
import io.juv.net.SocketHandler;
import io.juv.net.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, item 7: ordering under partial writes. Writes of random sizes, from 1 byte to 1 MiB
 * (log-uniform, seeded), in all four forms {@link Stream#write} takes (a heap {@code byte[]}, a
 * heap {@code ByteBuffer}, a direct {@code ByteBuffer}, a native {@code MemorySegment}), go
 * through a 4 KiB send buffer (SO_SNDBUF) to a reader with a small receive buffer, so nearly every
 * write is taken in pieces or queued. The reader's SHA-256 must match what was written, and the
 * write callbacks must run once each, in the order of the writes. Each source is scribbled over
 * (the segment's arena closed) as soon as {@code write} returns: juv must have copied what it
 * queued, or the digest differs. The writer keeps to backpressure ({@code writable()},
 * {@code onDrain}), so at most the high water mark plus one write is queued.
 *
 * <p>The full figure, 10,000 writes of 1 B to 1 MiB drawn as they fall, carries 766 MB (seed 92)
 * and took 9 s on the 2-core VM this was written on, under load ({@code make reliability
 * TEST_ARGS=-Djuv.reliability.partialWriteBytes=0}). By default the sizes are scaled down so
 * that the 10,000 writes carry at most 256 MiB ({@code juv.reliability.partialWriteBytes}, in
 * bytes; 0 removes the cap), about 4 s; the smallest and largest writes (1 B and 1 MiB) are kept
 * as they are. The untagged test runs 2,000 writes of up to 64 KiB (12 MB) in every build.
 */
@Timeout(300)
class PartialWriteOrderTest {

    @org.junit.jupiter.api.extension.RegisterExtension
    final Watchdogs watchdogs = new Watchdogs();

    private static final int MAX_WRITE = 1024 * 1024;

    @Test
    void twoThousandWritesUpTo64KiBArriveWholeAndCallBackInOrder() throws Exception {
        writeAndCheck(2_000, 64 * 1024, 0, 91);
    }

    @Reliability
    @Test
    void tenThousandWritesUpTo1MiBArriveWholeAndCallBackInOrder() throws Exception {
        long cap = Long.getLong("juv.reliability.partialWriteBytes", 256L * 1024 * 1024);
        writeAndCheck(10_000, MAX_WRITE, cap, 92);
    }

    /**
     * {@code count} sizes from 1 to {@code max}, log-uniform, the first two the extremes; scaled
     * down (each at least 1 byte) when their total passes {@code cap} (0: no cap).
     */
    static int[] sizes(int count, int max, long cap, long seed) {
        Random r = new Random(seed);
        int[] sizes = new int[count];
        long total = 0;
        for (int i = 0; i < count; i++) {
            sizes[i] = i == 0 ? 1 : i == 1 ? max : (int) Math.max(1, Math.min(max, Math.round(Math.exp(r.nextDouble() * Math.log(max)))));
            total += sizes[i];
        }
        if (cap > 0 && total > cap) {
            double scale = (double) (cap - 1 - max) / (total - 1 - max);
            for (int i = 2; i < count; i++) sizes[i] = (int) Math.max(1, sizes[i] * scale);
        }
        return sizes;
    }

    private void writeAndCheck(int count, int max, long cap, long seed) throws Exception {
        int[] sizes = sizes(count, max, cap, seed);
        long total = Arrays.stream(sizes).asLongStream().sum();
        Random content = new Random(seed ^ 0x5eed);
        MessageDigest written = Loops.sha256();
        int[] calledBack = {0};
        String[] disorder = {null};
        UvException[] failed = {null};
        long[] maxQueued = {0};
        long[] forms = new long[4];

        try (ServerSocket server = new ServerSocket()) {
            // Set before listen, so accepted sockets start with it and advertise a small window from
            // the handshake on (shrunk afterwards below loopback's 64 KiB MSS, Linux prunes segments).
            server.setReceiveBufferSize(8 * 1024);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            CompletableFuture<Object[]> reader = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try (Socket c = server.accept(); InputStream in = c.getInputStream()) {
                    MessageDigest md = Loops.sha256();
                    byte[] buf = new byte[4096];
                    long n = 0;
                    for (int k; (k = in.read(buf)) >= 0; ) {
                        md.update(buf, 0, k);
                        n += k;
                    }
                    reader.complete(new Object[] {n, md.digest()});
                } catch (Throwable e) {
                    reader.completeExceptionally(e);
                }
            }, "small-buffer-reader");
            t.setDaemon(true);
            t.start();

            byte[] scribble = new byte[max + 7];
            ByteBuffer heapBuffer = ByteBuffer.allocate(max + 7);
            ByteBuffer directBuffer = ByteBuffer.allocateDirect(max + 7);
            Loops.run(loop -> {
                Loops.Watchdog wd = watchdogs.arm(loop, Duration.ofSeconds(280));
                loop.connect("127.0.0.1", server.getLocalPort(), new SocketHandler() {
                    int next;

                    @Override public void onConnect(TcpSocket s) {
                        s.sendBufferSize(4096);
                        writeWhileWritable(s);
                    }

                    @Override public void onDrain(TcpSocket s) {
                        writeWhileWritable(s);
                    }

                    private void writeWhileWritable(TcpSocket s) {
                        while (next < count && !s.isClosed()) {
                            int i = next++;
                            boolean writable = writeOne(s, i, sizes[i]);
                            maxQueued[0] = Math.max(maxQueued[0], s.queuedBytes());
                            if (!writable) return;
                        }
                        if (next == count && !s.isClosed()) s.close();
                    }

                    private boolean writeOne(TcpSocket s, int i, int n) {
                        int form = i % 4;
                        forms[form] += n;
                        int offset = i % 7; // a source that does not start at 0
                        byte[] bytes = new byte[n];
                        content.nextBytes(bytes);
                        written.update(bytes);
                        WriteCallback cb = (st, e) -> {
                            if (e != null && failed[0] == null) failed[0] = e;
                            if (calledBack[0] != i && disorder[0] == null) disorder[0] = "callback " + i + " ran as number " + calledBack[0];
                            calledBack[0]++;
                        };
                        boolean writable;
                        switch (form) {
                            case 0 -> {
                                writable = s.write(bytes, cb);
                                Arrays.fill(bytes, (byte) 0x55);
                            }
                            case 1 -> {
                                heapBuffer.clear().position(offset);
                                heapBuffer.put(bytes).flip().position(offset);
                                writable = s.write(heapBuffer, cb);
                                assertEquals(offset, heapBuffer.position(), "write leaves the buffer's position alone");
                                heapBuffer.clear();
                                heapBuffer.put(scribble, 0, n + offset);
                            }
                            case 2 -> {
                                directBuffer.clear().position(offset);
                                directBuffer.put(bytes).flip().position(offset);
                                writable = s.write(directBuffer, cb);
                                assertEquals(offset, directBuffer.position(), "write leaves the buffer's position alone");
                                directBuffer.clear();
                                directBuffer.put(scribble, 0, n + offset);
                            }
                            default -> {
                                try (Arena arena = Arena.ofConfined()) {
                                    MemorySegment seg = arena.allocate(n);
                                    MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, n);
                                    writable = s.write(seg, cb);
                                } // freed as write returns: what juv queued must be its own copy
                            }
                        }
                        return writable;
                    }

                    @Override public void onData(TcpSocket s, ByteBuffer data) {}

                    @Override public void onError(TcpSocket s, UvException e) {
                        if (failed[0] == null) failed[0] = e;
                    }

                    @Override public void onClose(TcpSocket s) {
                        wd.cancel();
                    }
                });
            });
            Object[] got = reader.get(60, TimeUnit.SECONDS);
            assertNull(failed[0], "no write failed");
            assertNull(disorder[0], "write callbacks in the order of the writes");
            assertEquals(count, calledBack[0], "every write called back once");
            assertEquals(total, (long) got[0], "the reader got every byte");
            assertArrayEquals(written.digest(), (byte[]) got[1], "the reader's SHA-256 matches the writer's");
            for (long f : forms) assertTrue(f > 0, "all four forms were written");
            assertTrue(maxQueued[0] <= Stream.DEFAULT_HIGH_WATER_MARK + max, "backpressure bounded the queue: " + maxQueued[0]);
        }
    }
}
