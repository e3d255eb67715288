package io.juv.reliability;

import io.juv.EventLoop;
import io.juv.StreamHandler;
import io.juv.UvException;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The GC storm's program, run in a JVM of its own by {@link GcStormTest}: an echo over loopback
 * on one juv loop (server and client), {@code bytes} sent in 64 KiB writes with backpressure on
 * both sides, the SHA-256 of what was sent against what came back; with {@code storm}, a thread
 * calls System.gc() every millisecond meanwhile. Prints one result line; exits 0 only when the
 * hashes match and no error was seen.
 *
 * <p>Arguments: bytes, storm (true or false).
 */
public final class GcStormEcho {

    private static final int CHUNK = 64 * 1024;

    public static void main(String[] args) throws Exception {
        long total = Long.parseLong(args[0]);
        boolean storm = Boolean.parseBoolean(args[1]);
        byte[] block = new byte[1 << 20];
        new SplittableRandom(42).nextBytes(block);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        long[] written = {0};
        long[] received = {0};
        StringBuilder errors = new StringBuilder();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong stormGcs = new AtomicLong();
        Thread gc = new Thread(() -> {
            while (!stop.get()) {
                System.gc();
                stormGcs.incrementAndGet();
                LockSupport.parkNanos(1_000_000);
            }
        }, "gc-storm");
        gc.setDaemon(true);

        EventLoop loop = EventLoop.create();
        long start = System.nanoTime();
        if (storm) gc.start();
        loop.run(l -> {
            TcpServer server = l.listen("127.0.0.1", 0, new StreamHandler<TcpSocket>() {
                @Override
                public void onData(TcpSocket s, ByteBuffer data) {
                    if (!s.write(data)) s.pause(); // the client reads slower than it writes: stop reading it
                }

                @Override
                public void onDrain(TcpSocket s) {
                    s.resume();
                }

                @Override
                public void onError(TcpSocket s, UvException e) {
                    errors.append("server: ").append(e).append('\n');
                }
            });
            l.connect("127.0.0.1", server.port(), new StreamHandler<TcpSocket>() {
                @Override
                public void onConnect(TcpSocket s) {
                    pump(s);
                }

                @Override
                public void onDrain(TcpSocket s) {
                    pump(s);
                }

                private void pump(TcpSocket s) {
                    while (written[0] < total) {
                        int off = (int) ((written[0] / CHUNK * 7919) % (block.length - CHUNK));
                        int n = (int) Math.min(CHUNK, total - written[0]);
                        sent.update(block, off, n);
                        written[0] += n;
                        if (!s.write(ByteBuffer.wrap(block, off, n))) return; // onDrain goes on
                    }
                }

                @Override
                public void onData(TcpSocket s, ByteBuffer data) {
                    received[0] += data.remaining();
                    got.update(data);
                    if (received[0] >= total) {
                        s.close();
                        server.close();
                    }
                }

                @Override
                public void onEnd(TcpSocket s) {
                    if (received[0] < total) errors.append("client: end after ").append(received[0]).append(" bytes\n");
                }

                @Override
                public void onError(TcpSocket s, UvException e) {
                    errors.append("client: ").append(e).append('\n');
                    server.close();
                }
            });
        });
        long millis = (System.nanoTime() - start) / 1_000_000;
        stop.set(true);
        gc.join();
        loop.close();

        long gcs = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) gcs += Math.max(0, b.getCollectionCount());
        String a = HexFormat.of().formatHex(sent.digest());
        String b = HexFormat.of().formatHex(got.digest());
        boolean match = a.equals(b) && received[0] == total;
        System.out.println("gc-storm result: storm=" + storm + " bytes=" + received[0] + " ms=" + millis
                + " stormGcs=" + stormGcs.get() + " collections=" + gcs + " match=" + match + " sha256=" + b
                + " errors=" + (errors.isEmpty() ? "none" : errors.toString().strip().replace('\n', ';')));
        System.exit(match && errors.isEmpty() ? 0 : 1);
    }
}
