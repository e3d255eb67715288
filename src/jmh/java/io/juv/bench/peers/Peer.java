package io.juv.bench.peers;

import io.juv.examples.Cli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

/**
 * What the peer servers share with juv's seed server ({@code io.juv.examples.SeedServer}): its
 * options (this class is their picocli mixin; {@link #check()} before use), its response bytes
 * and its way of finding the end of a request.
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

    @Option(names = "--host", paramLabel = "ADDR", description = "bind address (default: ${DEFAULT-VALUE})")
    String host = "0.0.0.0";
    @Option(names = "--port", paramLabel = "N", description = "port (default: ${DEFAULT-VALUE}; 0 picks one)")
    int port = 9009;
    @Option(names = "--delay", paramLabel = "MS", description = "wait before answering, in milliseconds (default: ${DEFAULT-VALUE})")
    long delayMillis = 5000;
    @Option(names = "--keep-alive", description = "answer every complete request at once, never close")
    boolean keepAlive;
    @Option(names = "--backlog", paramLabel = "N", description = "listen backlog (default: ${DEFAULT-VALUE})")
    int backlog = 4096;
    @Option(names = {"--stats", "--no-stats"}, description = "accepted for symmetry with the seed server; peers never print stats")
    boolean statsIgnored;

    /** Refuses values no peer can run with (a usage error, exit status 2). */
    Peer check() {
        if (delayMillis < 0) throw Cli.usage("--delay must be >= 0: " + delayMillis);
        return this;
    }

    /** What a peer does once its command line is parsed: serve until it is killed. */
    interface Serve {
        void serve(Peer options) throws Exception;
    }

    /**
     * A peer's main: parses its command line (these options, and those of {@code mixins}, such as
     * the Netty transport's), answers --help, then serves; a bad command line exits with status 2.
     */
    static void main(String name, String[] args, Serve serve, Object... mixins) {
        CommandLine cl = Cli.of(new Main(serve)).setCommandName(name);
        for (Object m : mixins) cl.addMixin(m.getClass().getSimpleName(), m);
        Cli.runAndExit(cl, args);
    }

    @Command(description = "A peer of juv's seed server in the side-by-side benchmark: the same two modes (a delayed answer "
            + "and close, or HTTP/1.1 keep-alive), the same bytes on the wire, one thread.")
    private static final class Main implements Callable<Integer> {
        @Mixin
        Peer options = new Peer();
        private final Serve serve;

        Main(Serve serve) {
            this.serve = serve;
        }

        @Override
        public Integer call() throws Exception {
            serve.serve(options.check());
            return 0;
        }
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
