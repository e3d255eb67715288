package io.juv.examples;

import io.juv.ErrorKind;
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
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A concurrency load client on juv itself: opens N connections, sends one HTTP request on each,
 * and counts the replies, the errors and the most connections open at once.
 *
 * <p>httperf cannot do this (it uses select() and stops near 1,024 open connections). One
 * destination address runs out of ephemeral ports near 28,000, so connections are spread over
 * 127.0.0.1, 127.0.0.2, ... ({@code --addresses}); the server must listen on 0.0.0.0.
 *
 * <pre>
 * --port N          server port (default 9009)
 * --connections N   connections to open (default 1000)
 * --addresses K     spread over 127.0.0.1 .. 127.0.0.K (default 1)
 * --in-flight N     connects pending at once, at most (default 1000)
 * --timeout S       give up after S seconds (default 60)
 * --processes P     split the connections over P processes started at once (default 1)
 * </pre>
 * Exits 0 when every connection got a complete reply and nothing failed, else 1.
 *
 * <p>A process holds at most as many connections as it may open files (its RLIMIT_NOFILE, less
 * the JVM's own); {@code --processes} goes past that by running P copies of this client, each
 * with its share, and adds their reports up.
 */
public final class LoadClient {

    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final EventLoop loop;
    private final int port;
    private final int total;
    private final int addresses;
    private final int inFlightMax;
    private final int replyBytes;

    private int started;
    private int connecting;
    private int open;
    private int peakOpen;
    private int done;
    private int replies;
    private final Map<ErrorKind, Integer> errors = new EnumMap<>(ErrorKind.class);
    private long firstConnectNanos;
    private long peakAtNanos;

    private LoadClient(EventLoop loop, int port, int total, int addresses, int inFlightMax) {
        this.loop = loop;
        this.port = port;
        this.total = total;
        this.addresses = addresses;
        this.inFlightMax = inFlightMax;
        this.replyBytes = SeedServer.RESPONSE.length;
    }

    public static void main(String[] args) {
        Cli.runAndExit(new Options(), args);
    }

    /** The command line (the class comment lists it; {@code --help} prints it). */
    @Command(name = "load-client", description = "Opens N connections to an HTTP server, one request on each, and counts the replies, "
            + "the errors and the most connections open at once. Exits 0 when every connection got its reply.")
    private static final class Options implements Callable<Integer> {
        @Option(names = "--port", paramLabel = "N", description = "server port (default: ${DEFAULT-VALUE})")
        int port = 9009;
        @Option(names = "--connections", paramLabel = "N", description = "connections to open (default: ${DEFAULT-VALUE})")
        int connections = 1000;
        @Option(names = "--addresses", paramLabel = "K",
                description = "spread over 127.0.0.1 .. 127.0.0.K (default: ${DEFAULT-VALUE}); the server must listen on 0.0.0.0")
        int addresses = 1;
        @Option(names = "--in-flight", paramLabel = "N", description = "connects pending at once, at most (default: ${DEFAULT-VALUE})")
        int inFlight = 1000;
        @Option(names = "--timeout", paramLabel = "S", description = "give up after S seconds (default: ${DEFAULT-VALUE})")
        int timeout = 60;
        @Option(names = "--processes", paramLabel = "P",
                description = "split the connections over P processes started at once (default: ${DEFAULT-VALUE})")
        int processes = 1;

        @Override
        public Integer call() {
            if (connections < 0) throw Cli.usage("--connections must not be negative: " + connections);
            if (addresses < 1 || addresses > 255) throw Cli.usage("--addresses must be 1 to 255: " + addresses);
            if (inFlight < 1) throw Cli.usage("--in-flight must be at least 1: " + inFlight);
            if (timeout < 0) throw Cli.usage("--timeout must not be negative: " + timeout);
            if (processes < 1) throw Cli.usage("--processes must be at least 1: " + processes);
            return processes > 1 ? runProcesses(this) : run(port, connections, addresses, inFlight, timeout);
        }

        /** This command line for one of the processes: the same options, its share of the connections. */
        List<String> forProcess(int share) {
            return List.of("--port", Integer.toString(port), "--connections", Integer.toString(share), "--addresses",
                    Integer.toString(addresses), "--in-flight", Integer.toString(inFlight), "--timeout", Integer.toString(timeout));
        }
    }

    private static int run(int p, int n, int a, int f, int t) {
        LoadClient[] client = new LoadClient[1];
        long start = System.nanoTime();
        EventLoop.start(loop -> {
            client[0] = new LoadClient(loop, p, n, a, f);
            Timer deadline = loop.delay(Duration.ofSeconds(t), () -> {
                System.out.println("timeout after " + t + " s: closing what is left");
                loop.exit();
            });
            deadline.unref();
            loop.onExit(deadline::cancel);
            client[0].refill();
        });
        return client[0].report(System.nanoTime() - start) ? 0 : 1;
    }

    /** Keeps up to inFlightMax connects pending until all connections were started. */
    private void refill() {
        while (started < total && connecting < inFlightMax) {
            String host = "127.0.0." + (1 + started % addresses);
            started++;
            connecting++;
            if (firstConnectNanos == 0) firstConnectNanos = System.nanoTime();
            loop.connect(host, port, new Connection());
        }
    }

    private final class Connection implements SocketHandler {
        private int received;
        private boolean counted;

        @Override
        public void onConnect(TcpSocket socket) {
            connecting--;
            counted = true;
            if (++open > peakOpen) {
                peakOpen = open;
                peakAtNanos = System.nanoTime();
            }
            socket.write(REQUEST);
            refill();
        }

        @Override
        public void onData(TcpSocket socket, ByteBuffer data) {
            received += data.remaining();
        }

        @Override
        public void onEnd(TcpSocket socket) {
            // The server closes after its reply; closing before it is an error of its own kind.
            if (received < replyBytes) errors.merge(ErrorKind.END_OF_STREAM, 1, Integer::sum);
        }

        @Override
        public void onError(TcpSocket socket, UvException error) {
            errors.merge(error.kind(), 1, Integer::sum);
        }

        @Override
        public void onClose(TcpSocket socket) {
            if (counted) open--;
            else connecting--;
            if (received >= replyBytes) replies++;
            done++;
            refill();
        }
    }

    private boolean report(long elapsedNanos) {
        int errorCount = errors.values().stream().mapToInt(Integer::intValue).sum();
        double seconds = elapsedNanos / 1e9;
        System.out.printf("connections: %d, replies: %d, errors: %d %s, unanswered: %d%n",
                done, replies, errorCount, errors, total - replies - errorCount);
        System.out.printf("peak open at once: %d (reached %.2f s after the first connect), elapsed %.2f s, %.0f replies/s%n",
                peakOpen, (peakAtNanos - firstConnectNanos) / 1e9, seconds, replies / seconds);
        // For --processes: the parent adds these up.
        System.out.printf("%s connections=%d replies=%d errors=%d peak=%d%n", SUMMARY, done, replies, errorCount, peakOpen);
        return replies == total && errorCount == 0;
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
                            default -> 3;
                        };
                        sums[at] += Long.parseLong(kv[1]);
                    }
                }
            }
        } catch (IOException e) {
            System.out.println(prefix + "output lost: " + e);
        }
    }
}
