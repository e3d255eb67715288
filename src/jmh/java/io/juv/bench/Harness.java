package io.juv.bench;

import io.juv.examples.Cli;
import io.juv.examples.LoadClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code make bench}: the side-by-side server benchmark. Runs juv's seed server and its peers one
 * at a time, pinned to one core with the load tool on the other, under the same loads:
 * keep-alive (100 and 1,000 connections), a connection per request, connections held up to the
 * open-file limit, and overload past it. Then the JMH suite and the C programs it is compared
 * with, and the FFI report ({@link Ffi}). Writes target/bench/report.md, report.json and chart.png
 * (and target/bench/ffi/).
 *
 * <p>Two modes, so that it runs on any OS juv runs on. <b>wrk mode</b> (where wrk, taskset and
 * /proc exist: Linux): wrk for keep-alive, native/conn_client for a connection per request, CPU
 * time from /proc. <b>Portable mode</b> (elsewhere, or {@code --load juv}): juv's own
 * {@code io.juv.examples.LoadClient} in a JVM of its own for every load, CPU time from the JDK's
 * {@code ProcessHandle} (or ps, where the JDK gives it for its own process only: macOS). Without
 * taskset nothing is pinned. The report says which load tool, clock, RSS source and pinning it ran
 * with, and {@code --compare} flags two reports that differ in them. Every step prints a line on
 * standard error: what runs, which step of its part, about how long is left ({@link Progress}).
 */
@Command(name = "bench", description = "juv's side-by-side server benchmark: report in target/bench/ (make bench BENCH_ARGS='...').")
public final class Harness implements Callable<Integer> {

    static final String SERVER_CPU = "0";
    static final String LOAD_CPU = "1";
    static final Path OUT = Path.of("target", "bench");

    /** Which load tools drive the servers. */
    enum Load {
        /** wrk mode where wrk, taskset and /proc exist (and conn_client is built), else juv. */
        AUTO,
        /** wrk (keep-alive) and native/conn_client (connection per request); juv's LoadClient for held connections. */
        WRK,
        /** juv's LoadClient for every load: portable mode. */
        JUV
    }

    /** --clock: which clock reads the servers' CPU time ({@link Proc.Clock}), or the mode's own. */
    enum ClockChoice { AUTO, PROC, PROCESS, PS }

    @Option(names = "--quick", description = "one short round of everything: a smoke test of the harness, not a measurement")
    boolean quick;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3", description = "rounds per server and load (default ${DEFAULT-VALUE}; medians are reported)")
    int rounds;

    @Option(names = "--servers", paramLabel = "a,b", split = ",", description = "only these servers (names as in the report, e.g. \"juv,C libuv\")")
    List<String> only;

    @Option(names = "--no-jmh", negatable = false, description = "skip the JMH suite (and the FFI report)")
    boolean noJmh;

    @Option(names = "--no-tls", negatable = false, description = "skip the TLS scenarios")
    boolean noTls;

    @Option(names = "--load", paramLabel = "auto|wrk|juv", defaultValue = "auto",
            description = "load tools: wrk and conn_client (wrk mode), juv's own LoadClient (portable mode), or auto (default: wrk mode where wrk, taskset and /proc exist)")
    Load load;

    @Option(names = "--clock", paramLabel = "auto|proc|process|ps", defaultValue = "auto",
            description = "the servers' CPU clock: /proc/PID/stat, the JDK's ProcessHandle, or ps; auto (default): proc in wrk mode, else process (ps where the JDK cannot tell)")
    ClockChoice clockChoice;

    @Option(names = "--no-pin", description = "do not pin servers and load tools to CPUs (they are not pinned anyway where taskset is missing)")
    boolean noPin;

    @Option(names = "--compare", arity = "2", paramLabel = "REPORT", description = "lay two report.json files side by side (target/bench/compare.md); nothing is run")
    List<Path> compare;

    int seconds;
    int warmup;
    int held;
    /** The load tool resolved: "wrk" or "juv". */
    String loadTool;
    /** Loopback addresses the load clients spread over (1 where 127.0.0.2 is not this host's: macOS). */
    int addresses;
    final List<Result> results = new ArrayList<>();
    /** Servers that could not run here, and why: in the report beside the results. */
    final Map<String, String> skipped = new LinkedHashMap<>();
    /** Steps that gave no figure ("server, scenario, round N" and why): in the report, and exit status 1. */
    final Map<String, String> failed = new LinkedHashMap<>();
    /** On standard error; made by {@link #planProgress} once the steps are known. */
    Progress progress;
    private int nextPort = 9100;

    public static void main(String[] args) {
        Cli.runAndExit(commandLine(), args);
    }

    /**
     * The command line, as every tool's ({@link Cli}): a bad option, or a choice that cannot work here
     * ({@link Cli#usage} from {@link #call}), is one line, a hint and exit status 2, no stack trace.
     */
    static CommandLine commandLine() {
        return Cli.of(new Harness());
    }

    @Override
    public Integer call() throws Exception {
        if (compare != null) {
            Path out = OUT.resolve("compare.md");
            Files.createDirectories(OUT);
            Report.Comparison c = Report.compare(compare.get(0), compare.get(1));
            Files.writeString(out, c.markdown());
            for (String d : c.unlike()) System.err.println("warning: the two runs differ in " + d);
            System.out.println("wrote " + out);
            return 0;
        }
        if (rounds < 1) throw Cli.usage("--rounds must be at least 1");
        if (quick) rounds = 1;
        seconds = quick ? 1 : 5;
        // Not counted: JIT compilation (Netty's C2 work alone still took 17% of its CPU after 2 s),
        // caches, the servers' pools.
        warmup = quick ? 0 : 5;
        held = quick ? 500 : 19_800;
        Report.Setup setup = choose();
        Map<String, String> machine = Machine.facts();
        machine.forEach((k, v) -> System.out.println(k + ": " + v));
        System.out.println("load: " + setup.load() + ", clock: " + setup.clock().description + ", RSS: " + setup.rss().description
                + ", pinning: " + setup.pinning());
        List<Server> servers = new ArrayList<>();
        for (Server s : Server.all()) {
            if (only != null && !only.contains(s.name())) continue;
            if (usable(s)) servers.add(s);
        }
        List<TlsBench.TlsServer> tlsServers = new ArrayList<>();
        if (!noTls) {
            for (TlsBench.TlsServer s : TlsBench.all()) {
                if ((only == null || only.contains(s.server().name())) && usable(s.server())) tlsServers.add(s);
            }
        }
        planProgress(servers.size(), tlsServers);
        long start = System.nanoTime();
        for (int round = 1; round <= rounds; round++) {
            for (Server s : servers) {
                keepAlive(s, 100, round);
                keepAlive(s, 1000, round);
                connectionPerRequest(s, round);
                heldConnections(s, round);
            }
        }
        if (!quick) for (Server s : servers) overload(s);
        if (!tlsServers.isEmpty()) TlsBench.run(this, tlsServers);
        Map<String, Double> micro = new LinkedHashMap<>();
        if (!noJmh) {
            progress.step("jmh", "the JMH suite");
            micro.putAll(Micro.run(quick));
            progress.step("ffi", "the FFI report (target/bench/ffi/)");
            micro.putAll(Ffi.run(quick, machine).micro()); // also writes target/bench/ffi/
        }
        progress.step("c", "the C programs and their juv twins (timers, echo, UDP, spawn, files)");
        micro.putAll(Micro.cPrograms(quick));
        progress.done();
        Report report = new Report(machine, setup, quick, rounds, results, skipped, failed, micro);
        report.write(OUT);
        System.out.printf("bench finished in %.0f s: %s%n", (System.nanoTime() - start) / 1e9, OUT.resolve("report.md"));
        if (failed.isEmpty()) return 0;
        // The report is written all the same; the status is for scripts (CI's smoke run) that must not take it as whole.
        System.out.println(failed.size() + " step(s) gave no figure: " + String.join("; ", failed.keySet()));
        return 1;
    }

    /** A step that gave no figure: said now, kept for the report, and the run ends with exit status 1. */
    void failed(String server, String scenario, int round, String why) {
        System.out.println(server + " " + scenario + ", round " + round + ": " + why);
        failed.put(server + ", " + scenario + ", round " + round, why);
    }

    /** True, with the step failed, when the load got no reply at all: a figure of 0 would be no measurement. */
    private boolean noReplies(Server s, String scenario, int round, long replies, long errors) {
        if (replies > 0) return false;
        failed(s.name(), scenario, round, "no replies (" + errors + " errors)");
        return true;
    }

    /**
     * Picks the load tools, the clock, the RSS source and the pinning (and sets them on {@link Proc});
     * an explicit choice that cannot work here is a usage error that says why.
     */
    Report.Setup choose() {
        List<String> wrkMissing = new ArrayList<>();
        if (!Proc.onPath("wrk")) wrkMissing.add("wrk");
        if (!Proc.onPath("taskset")) wrkMissing.add("taskset");
        if (!Files.isReadable(Path.of("/proc/self/stat"))) wrkMissing.add("/proc");
        if (!Files.isExecutable(CONN_CLIENT)) wrkMissing.add(CONN_CLIENT + " (make native)");
        loadTool = switch (load) {
            case WRK -> {
                if (!wrkMissing.isEmpty()) throw Cli.usage("--load wrk needs " + String.join(", ", wrkMissing));
                yield "wrk";
            }
            case JUV -> "juv";
            case AUTO -> {
                if (!wrkMissing.isEmpty()) System.out.println("portable mode (juv's load client): no " + String.join(", ", wrkMissing));
                yield wrkMissing.isEmpty() ? "wrk" : "juv";
            }
        };
        Proc.Clock clock = switch (clockChoice) {
            case PROC -> Proc.Clock.PROC;
            case PROCESS -> Proc.Clock.PROCESS;
            case PS -> Proc.Clock.PS;
            case AUTO -> loadTool.equals("wrk") ? Proc.Clock.PROC : Proc.Clock.PROCESS.works() ? Proc.Clock.PROCESS : Proc.Clock.PS;
        };
        if (!clock.works()) {
            throw Cli.usage("the " + clock.name().toLowerCase(Locale.ROOT) + " clock (" + clock.description
                    + ") cannot read another process's CPU time here" + (clockChoice == ClockChoice.AUTO ? "; try --clock proc|process|ps" : ""));
        }
        if (clock == Proc.Clock.PS) {
            String t = Proc.tryRun(List.of("ps", "-o", "time=", "-p", Long.toString(ProcessHandle.current().pid())));
            if (t != null && !t.contains(".")) {
                System.out.println("warning: this ps prints CPU time in whole seconds (Linux's procps): too coarse for steps of a few"
                        + " seconds; --clock proc or process reads 10 ms ticks here");
            }
        }
        Proc.clock = clock;
        Proc.rss = Proc.Rss.detect();
        boolean taskset = Proc.onPath("taskset");
        Proc.pin = !noPin && taskset && Runtime.getRuntime().availableProcessors() >= 2;
        String pinning = Proc.pin ? "taskset: servers on CPU " + SERVER_CPU + ", load tools on CPU " + LOAD_CPU
                : "none (" + (noPin ? "--no-pin" : !taskset ? "no taskset" : "one CPU") + "): the scheduler places servers and load tools";
        addresses = loopbackAliases() ? 4 : 1;
        if (addresses == 1) System.out.println("127.0.0.2 is not this host's: load clients use 127.0.0.1 alone (held connections: at most its ephemeral ports)");
        return new Report.Setup(loadTool, clock, Proc.rss, pinning, addresses);
    }

    /** Whether 127.0.0.2 is a loopback address here (Linux, Windows), so the load can spread over four. */
    private static boolean loopbackAliases() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.2"))) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The steps ahead, each with a first guess of its length, for the progress lines' time left. */
    private void planProgress(int servers, List<TlsBench.TlsServer> tlsServers) {
        double start = 2; // a JVM server's start, and the port polled until it answers
        double client = loadTool.equals("juv") ? 1 : 0.2; // a load client's JVM start, or wrk's
        // wrk mode starts a load tool for the warm-up and another for the measured seconds; portable mode one LoadClient for both.
        int clients = loadTool.equals("juv") || warmup == 0 ? 1 : 2;
        double load = start + warmup + seconds + clients * client;
        long handshakeServers = tlsServers.stream().filter(TlsBench.TlsServer::tls).count();
        List<Progress.Part> parts = new ArrayList<>(List.of(
                new Progress.Part("keep-alive", 2 * rounds * servers, load),
                new Progress.Part("connection per request", rounds * servers, load),
                new Progress.Part("held connections", rounds * servers, start + client + (quick ? 2 : 12)),
                new Progress.Part("overload", quick ? 0 : servers, start + 42),
                new Progress.Part("tls handshakes", rounds * (int) handshakeServers, load),
                new Progress.Part("tls echo", rounds * tlsServers.size(), start + (quick ? 3 : 20))));
        if (!noJmh) parts.addAll(List.of(new Progress.Part("jmh", 1, quick ? 60 : 600), new Progress.Part("ffi", 1, quick ? 60 : 900)));
        parts.add(new Progress.Part("c", 1, quick ? 40 : 180));
        progress = new Progress("bench", parts, System.err);
        progress.plan();
    }

    /**
     * Work per second of server CPU; NaN (n/a in the report, left out of medians) when the clock saw no CPU
     * time at all: a clock coarser than the step (ps in whole seconds), not an infinitely fast server.
     */
    static double perCpu(double work, double cpuSeconds) {
        return cpuSeconds > 0 ? work / cpuSeconds : Double.NaN;
    }

    /** False, with the cause printed and kept for the report, when the server cannot run here. */
    boolean usable(Server s) {
        String why = s.unavailability();
        if (why == null) return true;
        System.out.println("skipping " + s.name() + ": " + why);
        skipped.put(s.name(), why);
        return false;
    }

    /**
     * The next port nothing listens on: a server that could not bind would otherwise exit while the load
     * tool measured whatever holds the port (waitForPort sees only that something answers).
     */
    int port() {
        while (true) {
            int p = nextPort++;
            try (java.net.ServerSocket s = new java.net.ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(p)); // the wildcard: the servers bind 0.0.0.0
                return p;
            } catch (java.io.IOException busy) {
                System.out.println("port " + p + " is in use here: skipped");
            }
        }
    }

    Result result(String scenario, Server s, String metric, String unit) {
        for (Result r : results) {
            if (r.scenario.equals(scenario) && r.server.equals(s.name()) && r.metric.equals(metric)) return r;
        }
        Result r = new Result(scenario, s.name(), metric, unit);
        results.add(r);
        return r;
    }

    Path log(Server s, String what, int round) {
        return OUT.resolve("logs").resolve(s.name().replace(' ', '_') + "-" + what + "-" + round + ".log");
    }

    // ------------------------------------------------------------------ keep-alive

    private static final Pattern WRK_TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern WRK_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern WRK_NON2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    /** SUMMARY line of io.juv.examples.LoadClient, in every one of its loads. */
    static final Pattern JUV_SUMMARY = Pattern.compile(
            "summary: connections=(\\d+) replies=(\\d+) errors=(\\d+) seconds=([0-9.]+) peak=(\\d+)");

    /** N connections against keep-alive mode (wrk -t1 -cN, or juv's LoadClient --keep-alive): requests per second of server CPU, and per second of wall time. */
    void keepAlive(Server s, int connections, int round) {
        String scenario = "keep-alive " + connections;
        progress.step("keep-alive", s.name() + ", " + scenario + ", round " + round + "/" + rounds + " (" + loadTool + ")");
        int port = port();
        Process server = Proc.start(s.command(port, 0, true), log(s, "ka" + connections, round));
        try {
            if (!Proc.waitForPort(port, server, 15_000)) {
                failed(s.name(), scenario, round, "did not start");
                return;
            }
            Measured load = keepAliveLoad(server, port, connections);
            String out = load.output();
            double cpu = load.cpuSeconds();
            keep(log(s, "ka" + connections + "-client", round), out);
            long requests, errors = 0;
            double wall = seconds;
            if (loadTool.equals("wrk")) {
                requests = find(WRK_TOTAL, out);
                Matcher m = WRK_ERRORS.matcher(out);
                if (m.find()) for (int g = 1; g <= 4; g++) errors += Long.parseLong(m.group(g));
                errors += find(WRK_NON2XX, out);
            } else {
                Matcher m = JUV_SUMMARY.matcher(out);
                if (!m.find()) {
                    failed(s.name(), scenario, round, "load client said " + out.strip());
                    return;
                }
                requests = Long.parseLong(m.group(2));
                errors = Long.parseLong(m.group(3));
                wall = Double.parseDouble(m.group(4));
            }
            if (noReplies(s, scenario, round, requests, errors)) return;
            result(scenario, s, "requests per CPU-second", "req/CPU-s").add(perCpu(requests, cpu),
                    Map.of("requests", requests, "req/s", requests / wall, "cpu s", cpu, "errors", errors));
            System.out.printf("%-18s %-16s round %d: %,.0f req/CPU-s, %,.0f req/s, cpu %.2f s, errors %d%n",
                    s.name(), scenario, round, perCpu(requests, cpu), requests / wall, cpu, errors);
        } finally {
            Proc.stop(server);
        }
    }

    /** What a load tool printed, and the server's CPU seconds over the window it measured. */
    record Measured(String output, double cpuSeconds) {}

    /** wrk -t1 -cN for the warm-up, then again for the measured seconds; or juv's LoadClient --keep-alive, once. */
    private Measured keepAliveLoad(Process server, int port, int connections) {
        if (loadTool.equals("wrk")) {
            return wrkMode(server, duration -> Proc.run(Proc.pinned(LOAD_CPU, List.of("wrk", "-t1", "-c" + connections,
                    "-d" + duration + "s", "http://127.0.0.1:" + port + "/")), duration + 30));
        }
        return measuredLoadClient(server, port, List.of("--keep-alive", "--connections", Integer.toString(connections)));
    }

    /**
     * wrk mode: a load tool's run for the warm-up, then another for the measured seconds, the server's
     * CPU read between. wrk and conn_client are C: their second run starts at full speed.
     */
    private Measured wrkMode(Process server, java.util.function.IntFunction<String> loadFor) {
        if (warmup > 0) loadFor.apply(warmup);
        double cpu0 = Proc.cpuSeconds(server.pid());
        String out = loadFor.apply(seconds);
        return new Measured(out, Proc.cpuSeconds(server.pid()) - cpu0);
    }

    /**
     * Portable mode: ONE LoadClient process runs the warm-up and then the measured seconds
     * ({@code --warmup}, {@code --duration}), and the server's CPU is read, with the chosen clock,
     * when the client prints the window's edges. Not a warm-up process and then a measured one, as in
     * wrk mode: each would be a fresh JVM, so the measured run would be the client's start-up and
     * JIT warm-up, a client slower than the server it drives, and the figures the client's.
     * No edge seen (the client failed or timed out): the CPU time is NaN, the step's figure n/a.
     */
    private Measured measuredLoadClient(Process server, int port, List<String> options) {
        double[] edges = {Double.NaN, Double.NaN};
        int timeout = warmup + seconds + 60;
        String out = Proc.run(loadClient(port, Proc.concat(options, List.of("--warmup", Integer.toString(warmup),
                "--duration", Integer.toString(seconds), "--timeout", Integer.toString(timeout)))), timeout, line -> {
            if (line.equals(LoadClient.MEASURE_START)) edges[0] = Proc.cpuSeconds(server.pid());
            else if (line.equals(LoadClient.MEASURE_END)) edges[1] = Proc.cpuSeconds(server.pid());
        });
        return new Measured(out, edges[1] - edges[0]);
    }

    private static long find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    // ------------------------------------------------------------------ connection per request

    private static final Pattern CLIENT_LINE = Pattern.compile(
            "connections=(\\d+) replies=(\\d+) errors=(\\d+) seconds=([0-9.]+)");

    /** Delay 0: connect, request, reply, close, again, 100 at a time: connections per second of server CPU. */
    void connectionPerRequest(Server s, int round) {
        String scenario = "connection per request";
        progress.step("connection per request", s.name() + ", " + scenario + ", round " + round + "/" + rounds + " (" + loadTool + ")");
        int port = port();
        Process server = Proc.start(s.command(port, 0, false), log(s, "cpr", round));
        try {
            if (!Proc.waitForPort(port, server, 15_000)) {
                failed(s.name(), scenario, round, "did not start");
                return;
            }
            Measured load = connClient(server, port);
            String out = load.output();
            double cpu = load.cpuSeconds();
            keep(log(s, "cpr-client", round), out);
            Matcher m = (loadTool.equals("wrk") ? CLIENT_LINE : JUV_SUMMARY).matcher(out);
            if (!m.find()) {
                failed(s.name(), scenario, round, "client said " + out.strip());
                return;
            }
            long replies = Long.parseLong(m.group(2));
            long errors = Long.parseLong(m.group(3));
            double wall = Double.parseDouble(m.group(4));
            if (noReplies(s, scenario, round, replies, errors)) return;
            result(scenario, s, "connections per CPU-second", "conn/CPU-s").add(perCpu(replies, cpu),
                    Map.of("replies", replies, "conn/s", replies / wall, "cpu s", cpu, "errors", errors));
            System.out.printf("%-18s %-16s round %d: %,.0f conn/CPU-s, %,.0f conn/s, cpu %.2f s, errors %d%n",
                    s.name(), scenario, round, perCpu(replies, cpu), replies / wall, cpu, errors);
        } finally {
            Proc.stop(server);
        }
    }

    static final Path CONN_CLIENT = Path.of("target", "native", "conn_client");

    /** 100 at a time, until the time is up: native/conn_client, or juv's LoadClient with the same options. */
    private Measured connClient(Process server, int port) {
        List<String> options = List.of("--port", Integer.toString(port), "--connections", "100000000", "--concurrency", "100",
                "--addresses", Integer.toString(addresses));
        if (loadTool.equals("wrk")) {
            return wrkMode(server, duration -> Proc.run(Proc.pinned(LOAD_CPU, Proc.concat(List.of(CONN_CLIENT.toString()),
                    Proc.concat(options, List.of("--duration", Integer.toString(duration))))), duration + 60));
        }
        return measuredLoadClient(server, 0, options);
    }

    // ------------------------------------------------------------------ held connections

    private static final Pattern LOAD_REPLIES = Pattern.compile("replies: (\\d+), errors: (\\d+)");
    private static final Pattern LOAD_PEAK = Pattern.compile("peak open at once: (\\d+)");

    /**
     * The seed's own test: every connection waits on the server's timer, so all are held at once.
     * juv's load client opens them over four loopback addresses; the server's RSS is sampled.
     */
    void heldConnections(Server s, int round) {
        String scenario = "held connections";
        progress.step("held connections", s.name() + ", " + scenario + " (" + held + "), round " + round + "/" + rounds);
        int port = port();
        long delay = quick ? 1000 : 8000;
        Process server = Proc.start(s.command(port, delay, false), log(s, "held", round));
        try {
            if (!Proc.waitForPort(port, server, 15_000)) {
                failed(s.name(), scenario, round, "did not start");
                return;
            }
            Proc.sleep(500);
            long idle = Proc.rssBytes(server.pid());
            Process client = Proc.start(heldClient(port, held, 60), log(s, "held-client", round));
            long peak = idle;
            // /proc is read in microseconds; ps and tasklist are programs started each time, on the load's CPU.
            long every = Proc.rss == Proc.Rss.PROC ? 50 : 250;
            while (client.isAlive()) {
                peak = Math.max(peak, Proc.rssBytes(server.pid()));
                Proc.sleep(every);
            }
            String out = readLog(log(s, "held-client", round));
            Matcher m = LOAD_REPLIES.matcher(out);
            if (!m.find()) {
                failed(s.name(), scenario, round, "load client said " + out.strip());
                return;
            }
            long replies = Long.parseLong(m.group(1));
            long errors = Long.parseLong(m.group(2));
            if (noReplies(s, scenario, round, replies, errors)) return;
            long peakOpen = find(LOAD_PEAK, out);
            double perConnection = peakOpen == 0 || idle < 0 ? Double.NaN : (peak - idle) / (double) peakOpen;
            result(scenario, s, "RSS growth per held connection", "bytes").add(perConnection,
                    Map.of("held", peakOpen, "replies", replies, "errors", errors, "idle RSS MB", idle / 1048576.0,
                            "peak RSS MB", peak / 1048576.0));
            System.out.printf("%-18s %-16s round %d: held %d, replies %d, errors %d, RSS %.1f -> %.1f MB, %.0f B/conn%n",
                    s.name(), scenario, round, peakOpen, replies, errors, idle / 1048576.0, peak / 1048576.0, perConnection);
        } finally {
            Proc.stop(server);
        }
    }

    /** Every connection at once, each waiting on the server's delay (held connections, and past the fd limit). */
    private List<String> heldClient(int port, int connections, int timeout) {
        return loadClient(port, List.of("--connections", Integer.toString(connections), "--addresses", Integer.toString(addresses),
                "--timeout", Integer.toString(timeout)));
    }

    /** juv's LoadClient in a JVM of its own, on the load's CPU; port 0: the options name it. */
    static List<String> loadClient(int port, List<String> options) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> c = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
        String libuv = System.getProperty("juv.libuv.path");
        if (libuv != null) c.add("-Djuv.libuv.path=" + libuv);
        c.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.juv.examples.LoadClient"));
        if (port != 0) c.addAll(List.of("--port", Integer.toString(port)));
        c.addAll(options);
        return Proc.pinned(LOAD_CPU, c);
    }

    /** What a load tool printed, kept beside the server's log (the report gives only its figures). */
    private static void keep(Path log, String output) {
        try {
            Files.writeString(log, output);
        } catch (java.io.IOException e) {
            System.out.println("could not write " + log + ": " + e);
        }
    }

    private static String readLog(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    // ------------------------------------------------------------------ past the open-file limit

    /**
     * Two load clients of 12,000 connections each: more than the server may hold open (20,000 fds).
     * What matters: the server survives, keeps serving what it can, and answers afterwards.
     */
    void overload(Server s) {
        String scenario = "past the fd limit";
        progress.step("overload", s.name() + ", " + scenario);
        int port = port();
        Process server = Proc.start(s.command(port, 3000, false), log(s, "overload", 1));
        try {
            if (!Proc.waitForPort(port, server, 15_000)) {
                failed(s.name(), scenario, 1, "did not start");
                return;
            }
            Process a = Proc.start(heldClient(port, 12_000, 40), log(s, "overload-client-a", 1));
            Process b = Proc.start(heldClient(port, 12_000, 40), log(s, "overload-client-b", 1));
            while (a.isAlive() || b.isAlive()) Proc.sleep(100);
            long replies = find(LOAD_REPLIES, readLog(log(s, "overload-client-a", 1)))
                    + find(LOAD_REPLIES, readLog(log(s, "overload-client-b", 1)));
            boolean alive = server.isAlive() && Proc.answers(port, 6000);
            result(scenario, s, "replies of 24,000 (server alive after)", "replies").add(replies,
                    Map.of("alive after", alive));
            System.out.printf("%-18s %-16s: %d replies of 24,000, alive and answering after: %s%n",
                    s.name(), scenario, replies, alive);
        } finally {
            Proc.stop(server);
        }
    }

    /** One measurement of one server under one load, over the rounds. */
    static final class Result {
        final String scenario;
        final String server;
        final String metric;
        final String unit;
        final List<Double> values = new ArrayList<>();
        final List<Map<String, Object>> details = new ArrayList<>();

        Result(String scenario, String server, String metric, String unit) {
            this.scenario = scenario;
            this.server = server;
            this.metric = metric;
            this.unit = unit;
        }

        void add(double value, Map<String, Object> detail) {
            values.add(value);
            details.add(detail);
        }

        double median() {
            List<Double> sorted = values.stream().filter(v -> !v.isNaN()).sorted().toList();
            if (sorted.isEmpty()) return Double.NaN;
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        /** The detail of the round whose value is the median (or nearest to it). */
        Map<String, Object> medianDetail() {
            double med = median();
            int best = 0;
            for (int i = 1; i < values.size(); i++) {
                if (Math.abs(values.get(i) - med) < Math.abs(values.get(best) - med)) best = i;
            }
            return details.isEmpty() ? Map.of() : details.get(best);
        }
    }
}
