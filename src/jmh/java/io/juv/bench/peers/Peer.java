package io.juv.bench.peers;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the peer servers share with juv's seed server ({@code io.juv.examples.SeedServer}): its
 * options, its response bytes and its way of finding the end of a request.
 *
 * <pre>
 * --host ADDR      bind address (default 0.0.0.0)
 * --port N         port (default 9009; 0 picks one)
 * --delay MS       wait before answering (default 5000)
 * --keep-alive     answer every complete request at once, never close
 * --backlog N      listen backlog (default 4096)
 * --no-stats       accepted for symmetry with the seed server; peers never print stats
 * </pre>
 */
final class Peer {

    /** SeedServer.RESPONSE, byte for byte (that field is package-private in io.juv.examples). */
    static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nDate: Wed, 03 Oct 2012 23:43:10 GMT\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 9\r\n\r\nomglolwtf").getBytes(StandardCharsets.US_ASCII);

    /**
     * Responses written at once for pipelined requests: up to this many go out in one write, from
     * one pre-built buffer of RESPONSE repeated (the bytes on the wire are the same as separate writes).
     */
    static final int BATCH = 64;

    /** RESPONSE repeated {@link #BATCH} times. */
    static final byte[] RESPONSES = repeat(RESPONSE, BATCH);

    final String host;
    final int port;
    final long delayMillis;
    final boolean keepAlive;
    final int backlog;

    private Peer(String host, int port, long delayMillis, boolean keepAlive, int backlog) {
        this.host = host;
        this.port = port;
        this.delayMillis = delayMillis;
        this.keepAlive = keepAlive;
        this.backlog = backlog;
    }

    static Peer parse(String name, String[] args) {
        String host = "0.0.0.0";
        int port = 9009;
        long delay = 5000;
        boolean keepAlive = false;
        int backlog = 4096;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--host" -> host = args[++i];
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--delay" -> delay = Long.parseLong(args[++i]);
                    case "--keep-alive" -> keepAlive = true;
                    case "--backlog" -> backlog = Integer.parseInt(args[++i]);
                    case "--stats", "--no-stats" -> { } // the seed server's; peers print no stats
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (delay < 0) throw new IllegalArgumentException("--delay must be >= 0");
        } catch (RuntimeException e) {
            System.err.println(name + ": " + (e instanceof ArrayIndexOutOfBoundsException ? "missing value" : e.getMessage())
                    + "; options: --host ADDR --port N --delay MS --keep-alive --backlog N");
            System.exit(2);
        }
        return new Peer(host, port, delay, keepAlive, backlog);
    }

    /** The line the harness and humans wait for, flushed at once. */
    void listening(String name, int boundPort) {
        System.out.println(name + " listening on " + host + ":" + boundPort);
        System.out.flush();
    }

    /**
     * One step of the "\r\n\r\n" matcher of SeedServer.RequestEnds: {@code matched} is how many
     * bytes of the terminator were seen so far (0..3), the result the new state, 4 meaning a request
     * ended (the caller counts it and resets to 0).
     */
    static int step(int matched, byte b) {
        if (b == ((matched & 1) == 0 ? '\r' : '\n')) return matched + 1;
        return b == '\r' ? 1 : 0;
    }

    /** EMFILE or ENFILE, as the JDK reports them (the message is strerror's). */
    static boolean outOfFiles(IOException e) {
        String m = e.getMessage();
        return m != null && m.contains("Too many open files");
    }

    private static byte[] repeat(byte[] b, int times) {
        byte[] r = new byte[b.length * times];
        for (int i = 0; i < times; i++) System.arraycopy(b, 0, r, i * b.length, b.length);
        return r;
    }

    /** A spare file descriptor, given up to accept one connection when the process is out of them (libuv's trick). */
    static FileChannel openReserve() {
        try {
            return FileChannel.open(Path.of("/dev/null"), StandardOpenOption.READ);
        } catch (IOException e) {
            return null;
        }
    }

    static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
