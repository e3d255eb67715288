package io.juv.bench;

import io.juv.examples.Cli;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code make alloc-report}: what the seed server's loop thread allocates per request on
 * keep-alive connections (wrk) and per connection when every request has a connection of its own
 * (native/conn_client, against the delayed server with a delay of 0, and against the keep-alive
 * server with the client half-closing after its request), with JFR's allocation sites for what is left. Writes target/alloc/report.md.
 *
 * <p>The figures are exact, not sampled: the server runs with {@code --alloc-report}
 * ({@code io.juv.examples.AllocMeter}), which prints every second the bytes its loop thread
 * allocated ({@code ThreadMXBean.getThreadAllocatedBytes}) and the requests and connections it
 * counted. After the warm-up (C2 done with the path) the load runs on, and only the lines printed
 * from two seconds after it started to two seconds before it ends are summed, so that opening
 * and closing wrk's connections is not counted as keep-alive traffic. JFR runs beside it (its
 * {@code jdk.ObjectAllocationSample} events of the loop thread in the same window, with small
 * fixed TLABs so that a few bytes a second still get sampled): the sites, not the figures.
 *
 * <pre>
 * --warmup S        seconds of load before measuring (default 20)
 * --seconds S       seconds measured (default 20)
 * --connections N   wrk's connections, and conn_client's in flight (default 100)
 * --only N          only scenario N: 1 keep-alive, 2 connection per request, 3 the keep-alive server's
 *                   connection per request (the client half-closes)
 * </pre>
 */
public final class AllocReport {

    static final Path OUT = Path.of("target", "alloc");
    private static final Pattern LINE = Pattern.compile(
            "alloc: \\+(\\d+) requests \\+(\\d+) connections \\+(\\d+) bytes");

    private final int warmup;
    private final int seconds;
    private final int connections;
    private final StringBuilder report = new StringBuilder();

    /** Only this scenario (1, 2, 3), or 0 for all. */
    private final int only;
    private int scenarios;

    private AllocReport(int warmup, int seconds, int connections, int only) {
        this.only = only;
        this.warmup = warmup;
        this.seconds = seconds;
        this.connections = connections;
    }

    public static void main(String[] args) {
        Cli.runAndExit(new Options(), args);
    }

    @Command(name = "alloc-report", description = "The bytes the seed server's loop thread allocates per keep-alive request and per connection, "
            + "after a warm-up, with JFR's allocation sites: target/alloc/report.md.")
    private static final class Options implements Callable<Integer> {
        @Option(names = "--warmup", paramLabel = "S", description = "seconds of load before measuring (default: ${DEFAULT-VALUE})")
        int warmup = 20;
        @Option(names = "--seconds", paramLabel = "S", description = "seconds measured, at least 5 (default: ${DEFAULT-VALUE})")
        int seconds = 20;
        @Option(names = "--connections", paramLabel = "N", description = "wrk's connections, and conn_client's in flight (default: ${DEFAULT-VALUE})")
        int connections = 100;
        @Option(names = "--only", paramLabel = "N", description = "only scenario N: 1 keep-alive, 2 connection per request, 3 the keep-alive "
                + "server's connection per request (the client half-closes); default: all")
        int only = 0;

        @Override
        public Integer call() throws Exception {
            if (warmup < 0) throw Cli.usage("--warmup must not be negative: " + warmup);
            if (seconds < 5) throw Cli.usage("--seconds must be at least 5 (two are cut at each end): " + seconds);
            if (connections < 1) throw Cli.usage("--connections must be at least 1: " + connections);
            if (only < 0 || only > 3) throw Cli.usage("--only must be 1, 2 or 3: " + only);
            report(warmup, seconds, connections, only);
            return 0;
        }
    }

    private static void report(int warmup, int seconds, int connections, int only) throws Exception {
        Files.createDirectories(OUT);
        AllocReport r = new AllocReport(warmup, seconds, connections, only);
        r.say("# Loop-thread allocation of the seed server\n");
        r.say("JDK " + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + "; warm-up " + warmup + " s, measured " + (seconds - 4) + " s of " + seconds + " s, " + connections + " connections.\n");
        r.run("keep-alive", List.of("--keep-alive"), port -> List.of("wrk", "-t1", "-c" + r.connections, "-d" + r.seconds + "s",
                "http://127.0.0.1:" + port + "/"), port -> List.of("wrk", "-t1", "-c" + r.connections, "-d" + r.warmup + "s",
                "http://127.0.0.1:" + port + "/"));
        r.run("connection per request", List.of(), port -> conn(port, r.connections, r.seconds, false),
                port -> conn(port, r.connections, r.warmup, false));
        // The keep-alive server's accept and close path: the client half-closes after its request,
        // the server answers, hears the end of stream and closes gracefully (a shutdown, then the close).
        r.run("keep-alive server, connection per request", List.of("--keep-alive"), port -> conn(port, r.connections, r.seconds, true),
                port -> conn(port, r.connections, r.warmup, true));
        Files.writeString(OUT.resolve("report.md"), r.report);
        System.out.println("\nwrote " + OUT.resolve("report.md"));
    }

    private static List<String> conn(int port, int inFlight, int seconds, boolean halfClose) {
        List<String> c = new ArrayList<>(List.of("target/native/conn_client", "--port", Integer.toString(port), "--connections", "100000000",
                "--concurrency", Integer.toString(inFlight), "--duration", Integer.toString(seconds)));
        if (halfClose) c.add("--shutdown");
        return c;
    }

    private void say(String s) {
        System.out.println(s);
        report.append(s).append('\n');
    }

    private interface Load {
        List<String> command(int port);
    }

    private void run(String scenario, List<String> mode, Load measured, Load warm) throws Exception {
        if (++scenarios != only && only != 0) return;
        int port = 9200 + (scenario.hashCode() & 0xff);
        String tag = scenario.replaceAll("[^A-Za-z0-9]+", "-");
        Path log = OUT.resolve(tag + "-server.log");
        Path jfr = OUT.resolve(tag + ".jfr");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xms64m", "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
                "-XX:TLABSize=4k", "-XX:-ResizeTLAB",
                "-XX:StartFlightRecording=settings=profile,jdk.ObjectAllocationSample#throttle=100000/s,filename=" + jfr,
                "-cp", System.getProperty("java.class.path"), "io.juv.examples.SeedServer",
                "--port", Integer.toString(port), "--delay", "0", "--no-stats", "--alloc-report"));
        command.addAll(mode);
        Process server = Proc.start(command, log);
        Instant from, to;
        int first, last;
        String loadOut;
        try {
            if (!Proc.waitForPort(port, server, 30_000)) throw new IllegalStateException(scenario + ": the server did not start (" + log + ")");
            say("\n## " + scenario + "\n");
            System.out.println("warming up " + warmup + " s: " + String.join(" ", warm.command(port)));
            Proc.run(warm.command(port), warmup + 30);
            Proc.sleep(1500); // the warm-up's connections are closed
            CompletableFuture<String> load = CompletableFuture.supplyAsync(() -> Proc.run(measured.command(port), seconds + 30));
            Proc.sleep(2000);
            first = lines(log).size();
            from = Instant.now();
            Proc.sleep((seconds - 4) * 1000L);
            last = lines(log).size();
            to = Instant.now();
            loadOut = load.get();
        } finally {
            Proc.stop(server); // SIGTERM: JFR writes its recording on the way out
        }
        List<long[]> window = lines(log).subList(first, last);
        long requests = 0, conns = 0, bytes = 0;
        for (long[] l : window) {
            requests += l[0];
            conns += l[1];
            bytes += l[2];
        }
        say("Load: `" + String.join(" ", measured.command(port)) + "` (" + summary(loadOut) + ")\n");
        say("| seconds | requests | connections | bytes | bytes/request | bytes/connection |");
        say("|---:|---:|---:|---:|---:|---:|");
        say(String.format("| %d | %d | %d | %d | %s | %s |", window.size(), requests, conns, bytes, per(bytes, requests), per(bytes, conns)));
        say("\nEach second: " + window.stream().map(l -> Long.toString(l[2])).collect(Collectors.joining(" ")) + " bytes\n");
        sites(jfr, from, to);
    }

    private static String summary(String out) {
        Matcher m = Pattern.compile("(\\d+) requests in|connections=\\d+ replies=(\\d+) errors=(\\d+)").matcher(out);
        if (!m.find()) return "no summary";
        return m.group(1) != null ? m.group(1) + " requests" : m.group(2) + " replies, " + m.group(3) + " errors";
    }

    private static String per(long bytes, long count) {
        return count == 0 ? "-" : String.format("%.2f", (double) bytes / count);
    }

    /** The meter's lines so far: requests, connections, bytes. */
    private static List<long[]> lines(Path log) {
        List<long[]> out = new ArrayList<>();
        try {
            for (String s : Files.readAllLines(log)) {
                Matcher m = LINE.matcher(s);
                if (m.find()) out.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** JFR's allocation samples of the loop thread ("main") within the window, by stack. */
    private void sites(Path jfr, Instant from, Instant to) throws IOException {
        Map<String, long[]> bySite = new HashMap<>();
        long total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (!e.getEventType().getName().equals("jdk.ObjectAllocationSample")) continue;
            if (e.getThread("eventThread") == null || !"main".equals(e.getThread("eventThread").getJavaName())) continue;
            if (e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) continue;
            long w = e.getLong("weight");
            total += w;
            StringBuilder site = new StringBuilder(e.getClass("objectClass").getName());
            if (e.getStackTrace() != null) {
                int depth = 0;
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    if (depth++ == 12) break;
                    site.append("\n    at ").append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName())
                            .append(':').append(f.getLineNumber());
                }
            }
            long[] acc = bySite.computeIfAbsent(site.toString(), k -> new long[2]);
            acc[0] += w;
            acc[1]++;
        }
        if (total == 0) {
            say("JFR: no allocation sample on the loop thread in the window.\n");
            return;
        }
        say("JFR allocation samples of the loop thread in the window (weight: JFR's estimate of the bytes each stands for):\n");
        say("```");
        long t = total;
        bySite.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(12)
                .forEach(en -> say(String.format("%5.1f%% (%d samples) %s", 100.0 * en.getValue()[0] / t, en.getValue()[1], en.getKey())));
        say("```\n");
    }
}
