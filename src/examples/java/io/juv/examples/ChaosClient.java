package io.juv.examples;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Seeded chaos against an HTTP keep-alive server such as {@code make run ARGS='--keep-alive'}:
 * sessions that reset, half-close, pipeline without reading, send garbage or split requests at
 * random places. Written on plain blocking {@code java.net.Socket} on virtual threads, so it
 * shares no code with the server it tries to break. The same seed gives the same sessions.
 *
 * <pre>
 * make example NAME=chaos-client ARGS='--port 9009 --sessions 3000 --seed 1'
 * --port N         server port (default 9009)
 * --sessions N     sessions to run (default 3000)
 * --concurrency N  sessions at once (default 50)
 * --seed N         seed of the first session (default 1)
 * </pre>
 * Prints how many sessions of each kind ran and how many well-behaved ones got every answer;
 * exits 1 if any well-behaved session (one that neither resets nor sends garbage) lost an answer.
 */
@Command(name = "chaos-client", description = "Seeded chaos against an HTTP keep-alive server: sessions that reset, half-close, pipeline "
        + "without reading, send garbage or split requests. Exits 1 if a well-behaved session lost an answer.")
public final class ChaosClient implements Callable<Integer> {

    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int ANSWER = SeedServer.RESPONSE.length;

    enum Kind { POLITE, SPLIT, PIPELINE_NO_READ, HALF_CLOSE, RESET, RESET_MID_ANSWER, GARBAGE }

    @Option(names = "--port", paramLabel = "N", description = "server port (default: ${DEFAULT-VALUE})")
    private int port = 9009;
    @Option(names = "--sessions", paramLabel = "N", description = "sessions to run (default: ${DEFAULT-VALUE})")
    private int sessions = 3000;
    @Option(names = "--concurrency", paramLabel = "N", description = "sessions at once (default: ${DEFAULT-VALUE})")
    private int concurrency = 50;
    @Option(names = "--seed", paramLabel = "N", description = "seed of the first session (default: ${DEFAULT-VALUE})")
    private long seed = 1;

    private ChaosClient() {}

    public static void main(String[] args) {
        Cli.runAndExit(new ChaosClient(), args);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (concurrency < 1) throw Cli.usage("--concurrency must be at least 1: " + concurrency);
        Kind[] kinds = Kind.values();
        AtomicLongArray ran = new AtomicLongArray(kinds.length);
        AtomicLongArray failed = new AtomicLongArray(kinds.length);
        Semaphore slots = new Semaphore(concurrency);
        int p = port;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < sessions; i++) {
                Random random = new Random(seed + i);
                Kind kind = kinds[random.nextInt(kinds.length)];
                slots.acquire();
                pool.execute(() -> {
                    try {
                        ran.incrementAndGet(kind.ordinal());
                        if (!session(p, kind, random)) failed.incrementAndGet(kind.ordinal());
                    } catch (IOException e) {
                        if (kind == Kind.POLITE || kind == Kind.SPLIT || kind == Kind.HALF_CLOSE) {
                            failed.incrementAndGet(kind.ordinal());
                        }
                    } finally {
                        slots.release();
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.MINUTES);
        }
        long lost = 0;
        for (Kind k : kinds) {
            System.out.printf("%-17s %6d sessions, %d lost an answer%n", k, ran.get(k.ordinal()), failed.get(k.ordinal()));
            lost += failed.get(k.ordinal());
        }
        return lost == 0 ? 0 : 1;
    }

    /** One session; true when every answer a well-behaved session is owed arrived. */
    private static boolean session(int port, Kind kind, Random random) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            int requests = 1 + random.nextInt(20);
            switch (kind) {
                case POLITE -> {
                    for (int i = 0; i < requests; i++) out.write(REQUEST);
                    return readAnswers(in, requests);
                }
                case SPLIT -> {
                    byte[] all = new byte[REQUEST.length * requests];
                    for (int i = 0; i < requests; i++) System.arraycopy(REQUEST, 0, all, i * REQUEST.length, REQUEST.length);
                    for (int off = 0; off < all.length; ) {
                        int n = Math.min(all.length - off, 1 + random.nextInt(40));
                        out.write(all, off, n);
                        out.flush();
                        off += n;
                    }
                    return readAnswers(in, requests);
                }
                case PIPELINE_NO_READ -> {
                    s.setSoTimeout(200);
                    byte[] burst = new byte[REQUEST.length * 500];
                    for (int i = 0; i < 500; i++) System.arraycopy(REQUEST, 0, burst, i * REQUEST.length, REQUEST.length);
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50 + random.nextInt(200));
                    while (System.nanoTime() < until) {
                        Thread writer = Thread.ofVirtual().start(() -> {
                            try {
                                out.write(burst);
                            } catch (IOException ignored) {
                                // The session ends by closing below.
                            }
                        });
                        try {
                            writer.join(100);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        if (writer.isAlive()) break; // the server stopped reading: backpressure works
                    }
                    s.setSoLinger(true, 0); // leave with everything unread: an RST
                    return true;
                }
                case HALF_CLOSE -> {
                    for (int i = 0; i < requests; i++) out.write(REQUEST);
                    s.shutdownOutput();
                    return readAnswers(in, requests);
                }
                case RESET -> {
                    out.write(REQUEST, 0, random.nextInt(REQUEST.length));
                    s.setSoLinger(true, 0);
                    return true;
                }
                case RESET_MID_ANSWER -> {
                    for (int i = 0; i < requests; i++) out.write(REQUEST);
                    in.readNBytes(random.nextInt(ANSWER * requests));
                    s.setSoLinger(true, 0);
                    return true;
                }
                case GARBAGE -> {
                    byte[] junk = new byte[1 + random.nextInt(8192)];
                    random.nextBytes(junk);
                    out.write(junk);
                    if (random.nextBoolean()) s.shutdownOutput();
                    else s.setSoLinger(true, 0);
                    return true;
                }
            }
            return true;
        }
    }

    private static boolean readAnswers(InputStream in, int requests) throws IOException {
        byte[] answers = in.readNBytes(ANSWER * requests);
        return answers.length == ANSWER * requests;
    }
}
