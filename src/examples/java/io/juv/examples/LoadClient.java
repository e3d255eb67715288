package io.juv.examples;

import io.juv.EventLoop;
import io.juv.net.SocketHandler;
import io.juv.net.TcpSocket;
import io.juv.Timer;
import io.juv.UvException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.TreeMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * juv's own load client, on juv itself, so it runs wherever juv does. One engine, three loads:
 *
 * <ul>
 * <li><b>held connections</b> (the default): opens N connections, sends one HTTP request on each,
 *     and counts the replies, the errors and the most connections open at once. Against the seed
 *     server's delay every connection waits on the server's timer, so all are held at once.
 * <li><b>connection per request</b> ({@code --concurrency C}, usually with {@code --duration S}):
 *     at most C connections at once, each connects, sends a request, reads the reply to the end of
 *     stream, closes, and its slot starts the next one; native/conn_client.c's load, on juv.
 * <li><b>keep-alive</b> ({@code --keep-alive --connections N --duration S}): N connections held
 *     open, each sending its next request when the previous response has arrived (wrk's load,
 *     one request in flight per connection); a connection the server drops is made again.
 * </ul>
 *
 * Responses are read as HTTP/1.1 ({@link ResponseReader}): a reply is a complete response whose
 * status is 2xx or 3xx; anything else is an error of its own kind.
 *
 * <p>httperf cannot hold this many (it uses select() and stops near 1,024 open connections). One
 * destination address runs out of ephemeral ports near 28,000, so connections are spread over
 * 127.0.0.1, 127.0.0.2, ... ({@code --addresses}); the server must listen on 0.0.0.0 (Linux and
 * Windows route all of 127/8 to loopback; macOS only 127.0.0.1 unless aliases are added).
 *
 * <pre>
 * --port N          server port (default 9009)
 * --connections N   connections to open (default 1000); with --keep-alive: held open at once
 * --addresses K     spread over 127.0.0.1 .. 127.0.0.K (default 1)
 * --in-flight N     connects pending at once, at most (default 1000)
 * --concurrency C   connections open or connecting at once, at most (default: no limit)
 * --duration S      start no new connection (keep-alive: send no new request) after S seconds
 * --warmup S        with --duration: run the load S seconds first, unmeasured (default 0)
 * --keep-alive      requests one after another on each connection (needs --duration)
 * --latency         keep-alive: time every request and print percentiles
 * --timeout S       give up after S seconds (default 60)
 * --processes P     split the connections over P processes started at once (default 1)
 * </pre>
 * Prints a last line {@code summary: connections=N replies=R errors=E seconds=T peak=P} for
 * programs (the benchmark harness). Exits 0 when nothing failed (and, without --duration, every
 * connection got its reply), else 1.
 *
 * <p>With {@code --duration} the figures are those of a measured window: {@code --warmup} seconds
 * of the same load run first, then the counts start from zero and the window lasts
 * {@code --duration} seconds (keep-alive: until the last request sent; a connection per request:
 * until the last reply). The window's edges are lines of their own, {@value #MEASURE_START} and
 * {@value #MEASURE_END}, printed (and flushed) as they pass: the benchmark harness reads the
 * server's CPU time when it sees each, with whichever clock it chose, so server and client are
 * both past their start-up and JIT warm-up in the window it measures, and the client needs to
 * know nothing of clocks.
 *
 * <p>A process holds at most as many connections as it may open files (its RLIMIT_NOFILE, less
 * the JVM's own); {@code --processes} goes past that by running P copies of this client, each
 * with its share, and adds their reports up.
 */
public final class LoadClient {

    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What the client does: its options, checked. */
    record Settings(int port, int connections, int addresses, int inFlight, int concurrency, double duration,
                    boolean keepAlive, boolean latency, double warmup) {
        Settings {
            if (keepAlive && duration <= 0) throw new IllegalArgumentException("--keep-alive needs --duration S");
            if (warmup > 0 && duration <= 0) throw new IllegalArgumentException("--warmup needs --duration S");
            if (connections < 1) throw new IllegalArgumentException("--connections must be at least 1: " + connections);
            if (addresses < 1 || addresses > 254) throw new IllegalArgumentException("--addresses must be 1 to 254: " + addresses);
            if (inFlight < 1) throw new IllegalArgumentException("--in-flight must be at least 1: " + inFlight);
            if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be at least 1: " + concurrency);
            if (duration < 0 || Double.isNaN(duration)) throw new IllegalArgumentException("--duration must not be negative: " + duration);
            if (warmup < 0 || Double.isNaN(warmup)) throw new IllegalArgumentException("--warmup must not be negative: " + warmup);
        }

        /** Connections to make in all: keep-alive makes new ones for those dropped, until the end. */
        long total() {
            return keepAlive ? Long.MAX_VALUE : connections;
        }

        /** At most this many open or connecting at once. */
        int limit() {
            return keepAlive ? Math.min(connections, concurrency) : concurrency;
        }
    }

    private final EventLoop loop;
    private final Settings settings;

    private long started;
    private int connecting;
    private int open;
    private int peakOpen;
    private long done;
    private long replies;
    /** By kind: libuv's errors by juv's name for them, and the client's own ("non-2xx", "EOF before reply"). */
    private final Map<String, Long> errors = new TreeMap<>();
    private long firstConnectNanos;
    private long peakAtNanos;
    /** Past --duration: no new connection, and with keep-alive no new request. */
    private boolean stopped;
    private long stoppedNanos;
    /** Where the measured window began (past --warmup), and whether it has. */
    private long measureNanos;
    private boolean measuring;
    private Latency latency;

    private LoadClient(EventLoop loop, Settings settings) {
        this.loop = loop;
        this.settings = settings;
        this.latency = settings.keepAlive() && settings.latency() ? new Latency() : null;
    }

    /** The measured window's edges (with --duration), each a line of its own: see the class comment. */
    public static final String MEASURE_START = "measure: start";
    public static final String MEASURE_END = "measure: end";

    public static void main(String[] args) {
        Cli.runAndExit(new Options(), args);
    }

    /** The command line (the class comment lists it; {@code --help} prints it). */
    @Command(name = "load-client", description = "juv's own HTTP load client: held connections (one request on each; the default), "
            + "a connection per request (--concurrency C --duration S), or keep-alive (--keep-alive --duration S). "
            + "Exits 0 when nothing failed (and, without --duration, every connection got its reply).")
    private static final class Options implements Callable<Integer> {
        @Option(names = "--port", paramLabel = "N", description = "server port (default: ${DEFAULT-VALUE})")
        int port = 9009;
        @Option(names = "--connections", paramLabel = "N",
                description = "connections to open (default: ${DEFAULT-VALUE}); with --keep-alive: held open at once")
        int connections = 1000;
        @Option(names = "--addresses", paramLabel = "K",
                description = "spread over 127.0.0.1 .. 127.0.0.K (default: ${DEFAULT-VALUE}); the server must listen on 0.0.0.0")
        int addresses = 1;
        @Option(names = "--in-flight", paramLabel = "N", description = "connects pending at once, at most (default: ${DEFAULT-VALUE})")
        int inFlight = 1000;
        @Option(names = "--concurrency", paramLabel = "C", description = "connections open or connecting at once, at most (default: no limit)")
        int concurrency = Integer.MAX_VALUE;
        @Option(names = "--duration", paramLabel = "S",
                description = "start no new connection (keep-alive: send no new request) after S seconds (default: none: until every connection is done)")
        double duration;
        @Option(names = "--warmup", paramLabel = "S",
                description = "with --duration: run the load S seconds first, not counted, then measure --duration seconds (default: ${DEFAULT-VALUE})")
        double warmup;
        @Option(names = "--keep-alive", description = "requests one after another on each connection (needs --duration)")
        boolean keepAlive;
        @Option(names = "--latency", description = "keep-alive: time every request and print percentiles")
        boolean latency;
        @Option(names = "--timeout", paramLabel = "S", description = "give up after S seconds (default: ${DEFAULT-VALUE})")
        int timeout = 60;
        @Option(names = "--processes", paramLabel = "P",
                description = "split the connections over P processes started at once (default: ${DEFAULT-VALUE})")
        int processes = 1;

        @Override
        public Integer call() {
            Settings settings;
            try {
                settings = new Settings(port, connections, addresses, inFlight, concurrency, duration, keepAlive, latency, warmup);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(e.getMessage());
            }
            if (timeout < 0) throw Cli.usage("--timeout must not be negative: " + timeout);
            if (processes < 1) throw Cli.usage("--processes must be at least 1: " + processes);
            if (processes > connections) throw Cli.usage("--processes must be at most --connections: " + processes);
            return processes > 1 ? runProcesses(this) : run(settings, timeout) ? 0 : 1;
        }

        /** This command line for one of the processes: the same options, its share of the connections. */
        List<String> forProcess(int share) {
            List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--connections", Integer.toString(share),
                    "--addresses", Integer.toString(addresses), "--in-flight", Integer.toString(inFlight),
                    "--concurrency", Integer.toString(concurrency), "--duration", Double.toString(duration),
                    "--warmup", Double.toString(warmup), "--timeout", Integer.toString(timeout)));
            if (keepAlive) args.add("--keep-alive");
            if (latency) args.add("--latency");
            return args;
        }
    }

    /** Runs the load on a loop of its own on this thread, prints the report; true if nothing failed. */
    static boolean run(Settings settings, int timeoutSeconds) {
        LoadClient[] client = new LoadClient[1];
        long start = System.nanoTime();
        EventLoop.start(loop -> {
            client[0] = new LoadClient(loop, settings);
            client[0].measureNanos = start;
            Timer deadline = loop.delay(Duration.ofSeconds(timeoutSeconds), () -> {
                System.out.println("timeout after " + timeoutSeconds + " s: closing what is left");
                loop.exit();
            });
            deadline.unref();
            loop.onExit(deadline::cancel);
            if (settings.duration() > 0) {
                // The window starts now, before the first connect, or once the warm-up is over; it ends --duration later.
                if (settings.warmup() > 0) {
                    Timer warm = loop.delay(Duration.ofNanos((long) (settings.warmup() * 1e9)), client[0]::measure);
                    warm.unref();
                    loop.onExit(warm::cancel);
                } else {
                    client[0].measure();
                }
                Timer end = loop.delay(Duration.ofNanos((long) ((settings.warmup() + settings.duration()) * 1e9)), client[0]::stop);
                end.unref();
                loop.onExit(end::cancel);
            }
            client[0].refill();
        });
        // A connection per request's window lasts until its last reply: the loop ends with its last connection.
        if (settings.duration() > 0 && !settings.keepAlive()) client[0].measured();
        return client[0].report(System.nanoTime() - client[0].measureNanos);
    }

    /**
     * The warm-up is over: the counts start again from zero, and the harness reads the server's CPU
     * time on seeing the line. Connections under way carry on into the window (and at its end, out
     * of it): a few requests of the many measured, on either edge alike.
     */
    private void measure() {
        measuring = true;
        measureNanos = System.nanoTime();
        done = 0;
        replies = 0;
        errors.clear();
        peakOpen = open;
        peakAtNanos = measureNanos;
        if (latency != null) latency = new Latency();
        System.out.println(MEASURE_START);
        System.out.flush();
    }

    /** The measured window is over (printed once, and only if it began). */
    private void measured() {
        if (!measuring) return;
        measuring = false;
        System.out.println(MEASURE_END);
        System.out.flush();
    }

    /** --duration is over: no new connection; keep-alive's connections are closed, their last requests unanswered. */
    private void stop() {
        stopped = true;
        stoppedNanos = System.nanoTime();
        if (settings.keepAlive()) {
            measured();
            loop.exit();
        }
    }

    /** Keeps up to inFlight connects pending and the limit open until all connections were started (or the time is up). */
    private void refill() {
        while (!stopped && started < settings.total() && connecting < settings.inFlight()
                && open + connecting < settings.limit()) {
            String host = "127.0.0." + (1 + started % settings.addresses());
            started++;
            connecting++;
            if (firstConnectNanos == 0) firstConnectNanos = System.nanoTime();
            loop.connect(host, settings.port(), settings.keepAlive() ? new KeepAliveConnection() : new Connection());
        }
    }

    private void error(String kind) {
        errors.merge(kind, 1L, Long::sum);
    }

    /** What every connection shares: the counts of open and connecting, the peak, the reader and its errors. */
    private abstract class Counted implements SocketHandler {
        final ResponseReader reader = new ResponseReader();
        private boolean connected;

        @Override
        public void onConnect(TcpSocket socket) {
            connecting--;
            connected = true;
            if (++open > peakOpen) {
                peakOpen = open;
                peakAtNanos = System.nanoTime();
            }
            socket.write(REQUEST);
            sent();
            refill();
        }

        /** The request was just written. */
        void sent() {}

        @Override
        public void onError(TcpSocket socket, UvException error) {
            if (!stoppedByUs()) error(error.kind().name());
        }

        /** Errors after keep-alive's end are the client's own closing, not the server's. */
        boolean stoppedByUs() {
            return false;
        }

        @Override
        public void onClose(TcpSocket socket) {
            if (connected) open--;
            else connecting--;
            done++;
            closed();
            refill();
        }

        abstract void closed();
    }

    /** One request, its reply read to the end of stream (held, and connection per request). */
    private final class Connection extends Counted {
        @Override
        public void onData(TcpSocket socket, ByteBuffer data) {
            reader.read(data);
        }

        @Override
        public void onEnd(TcpSocket socket) {
            // The server closes after its reply; closing before it is an error of its own kind.
            if (!reader.end() || reader.responses() == 0) error("EOF before reply");
        }

        @Override
        void closed() {
            long ok = reader.responses() - reader.failures();
            if (reader.failures() > 0) errors.merge("non-2xx", reader.failures(), Long::sum);
            if (ok > 0) replies++;
        }
    }

    /** Requests one after another on one connection until the time is up. */
    private final class KeepAliveConnection extends Counted {
        private long sentAt;

        @Override
        void sent() {
            if (latency != null) sentAt = System.nanoTime();
        }

        @Override
        public void onData(TcpSocket socket, ByteBuffer data) {
            long before = reader.failures();
            int n = reader.read(data);
            if (n == 0 || stopped) return;
            long failed = reader.failures() - before;
            replies += n - failed;
            if (failed > 0) errors.merge("non-2xx", failed, Long::sum);
            if (latency != null) latency.add(System.nanoTime() - sentAt);
            if (reader.atBoundary()) {
                socket.write(REQUEST);
                sent();
            }
        }

        @Override
        public void onEnd(TcpSocket socket) {
            if (!stopped) error("EOF on a keep-alive connection"); // a new one is made in its place
        }

        @Override
        boolean stoppedByUs() {
            return stopped;
        }

        @Override
        void closed() {}
    }

    private boolean report(long elapsedNanos) {
        long errorCount = errors.values().stream().mapToLong(Long::longValue).sum();
        // Keep-alive's rate is over the time it sent requests; the others' until their last reply. Both from the window's start.
        double seconds = (settings.keepAlive() && stoppedNanos != 0 ? stoppedNanos - (settings.duration() > 0 ? measureNanos : firstConnectNanos)
                : elapsedNanos) / 1e9;
        boolean everyOne = settings.duration() > 0 || replies == settings.connections();
        if (settings.keepAlive()) {
            System.out.printf("keep-alive: %d connections, replies: %d, errors: %d %s%n", settings.connections(), replies, errorCount, errors);
        } else {
            System.out.printf("connections: %d, replies: %d, errors: %d %s, unanswered: %d%n",
                    done, replies, errorCount, errors, (settings.duration() > 0 ? done : settings.connections()) - replies - errorCount);
        }
        System.out.printf("peak open at once: %d (reached %.2f s after the %s), elapsed %.2f s, %.0f replies/s%n",
                peakOpen, (peakAtNanos - Math.max(firstConnectNanos, measureNanos)) / 1e9,
                settings.warmup() > 0 ? "warm-up" : "first connect", seconds, replies / seconds);
        if (latency != null) System.out.println(latency);
        // For --processes and the benchmark harness: one line, numbers only.
        System.out.printf(Locale.ROOT, "%s connections=%d replies=%d errors=%d seconds=%.3f peak=%d%n",
                SUMMARY, done, replies, errorCount, seconds, peakOpen);
        return everyOne && errorCount == 0;
    }

    /** Keep-alive's request latencies: a histogram of 1/16-octave buckets from 1 us, so that a million take no memory. */
    private static final class Latency {
        private static final int SUB = 16;
        private final long[] counts = new long[40 * SUB];
        private long n;
        private long max;

        void add(long nanos) {
            long micros = Math.max(1, nanos / 1000);
            int octave = 63 - Long.numberOfLeadingZeros(micros);
            int sub = octave < 4 ? (int) (micros << (4 - octave)) & (SUB - 1) : (int) (micros >>> (octave - 4)) & (SUB - 1);
            counts[Math.min(counts.length - 1, octave * SUB + sub)]++;
            n++;
            max = Math.max(max, nanos);
        }

        /** The lower edge of the bucket holding the q-quantile, in microseconds. */
        private double quantile(double q) {
            long rank = (long) Math.ceil(q * n), seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank && counts[i] > 0) return Math.scalb(1.0 + (i % SUB) / (double) SUB, i / SUB);
            }
            return Double.NaN;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "latency: p50 %.0f us, p90 %.0f us, p99 %.0f us, max %.0f us (%d requests)",
                    quantile(0.5), quantile(0.9), quantile(0.99), max / 1e3, n);
        }
    }

    private static final String SUMMARY = "summary:";

    /**
     * Runs P copies of this client at once, the connections split between them, relays what each
     * prints (prefixed with its number) and adds their summaries up. Exit 0 only if every copy's was.
     */
    private static int runProcesses(Options options) {
        int processes = options.processes, connections = options.connections;
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<Process> children = new ArrayList<>();
        List<Thread> relays = new ArrayList<>();
        long[] sums = new long[4]; // connections, replies, errors, peak
        try {
            for (int p = 0; p < processes; p++) {
                int share = connections / processes + (p < connections % processes ? 1 : 0);
                List<String> command = new ArrayList<>(List.of(java));
                command.addAll(jvm);
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadClient.class.getName()));
                command.addAll(options.forProcess(share));
                Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
                children.add(child);
                String prefix = "[" + (p + 1) + "/" + processes + "] ";
                Thread relay = Thread.ofPlatform().start(() -> relay(child, prefix, sums));
                relays.add(relay);
            }
            int exit = 0;
            for (Process child : children) exit |= child.waitFor();
            for (Thread relay : relays) relay.join();
            synchronized (sums) {
                System.out.printf("all %d processes: connections: %d, replies: %d, errors: %d; "
                        + "sum of each process's peak open at once: %d%n", processes, sums[0], sums[1], sums[2], sums[3]);
            }
            return exit == 0 ? 0 : 1;
        } catch (IOException e) {
            System.err.println("could not start a load client process: " + e);
            children.forEach(Process::destroy);
            return 1;
        } catch (InterruptedException e) {
            children.forEach(Process::destroy);
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static void relay(Process child, String prefix, long[] sums) {
        try (BufferedReader out = child.inputReader()) {
            for (String line; (line = out.readLine()) != null; ) {
                if (!line.startsWith(SUMMARY)) {
                    System.out.println(prefix + line);
                    continue;
                }
                synchronized (sums) {
                    for (String field : line.substring(SUMMARY.length()).trim().split(" ")) {
                        String[] kv = field.split("=");
                        int at = switch (kv[0]) {
                            case "connections" -> 0;
                            case "replies" -> 1;
                            case "errors" -> 2;
                            case "peak" -> 3;
                            default -> -1; // seconds: each process's own
                        };
                        if (at >= 0) sums[at] += Long.parseLong(kv[1]);
                    }
                }
            }
        } catch (IOException e) {
            System.out.println(prefix + "output lost: " + e);
        }
    }
}
