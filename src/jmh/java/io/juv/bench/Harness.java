package io.juv.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code make bench}: the side-by-side server benchmark. Runs juv's seed server and its peers one
 * at a time, pinned to one core with the load tool on the other, under the same loads:
 * keep-alive (wrk, 100 and 1,000 connections), a connection per request, connections held up to
 * the open-file limit, and overload past it. Then the JMH suite and the C programs it is compared
 * with, and the FFI report ({@link Ffi}). Writes target/bench/report.md, report.json and chart.png
 * (and target/bench/ffi/).
 *
 * <pre>
 * --quick            one short round of everything (a smoke test of the harness, under two minutes)
 * --rounds N         rounds per server and load (default 3; medians are reported)
 * --servers a,b      only these servers (names as in the report, e.g. "juv,C libuv")
 * --no-jmh           skip the JMH suite (and the FFI report)
 * --no-tls           skip the TLS scenarios
 * --compare A B      lay two report.json files side by side (target/bench/compare.md)
 * </pre>
 */
public final class Harness {

    static final String SERVER_CPU = "0";
    static final String LOAD_CPU = "1";
    static final Path OUT = Path.of("target", "bench");

    final boolean quick;
    final int rounds;
    final int seconds;
    final int warmup;
    final int held;
    final List<Result> results = new ArrayList<>();
    /** Servers that could not run here, and why: in the report beside the results. */
    final Map<String, String> skipped = new LinkedHashMap<>();
    private int nextPort = 9100;

    private Harness(boolean quick, int rounds) {
        this.quick = quick;
        this.rounds = rounds;
        this.seconds = quick ? 1 : 5;
        // Not counted: JIT compilation (Netty's C2 work alone still took 17% of its CPU after 2 s),
        // caches, the servers' pools.
        this.warmup = quick ? 0 : 5;
        this.held = quick ? 500 : 19_800;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false, jmh = true, tls = true;
        int rounds = 3;
        List<String> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--servers" -> only = List.of(args[++i].split(","));
                case "--no-jmh" -> jmh = false;
                case "--no-tls" -> tls = false;
                case "--compare" -> {
                    Path out = OUT.resolve("compare.md");
                    Files.createDirectories(OUT);
                    Files.writeString(out, Report.compare(Path.of(args[i + 1]), Path.of(args[i + 2])));
                    System.out.println("wrote " + out);
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (quick) rounds = 1;
        Harness h = new Harness(quick, rounds);
        Map<String, String> machine = Machine.facts();
        machine.forEach((k, v) -> System.out.println(k + ": " + v));
        List<Server> servers = new ArrayList<>();
        for (Server s : Server.all()) {
            if (only != null && !only.contains(s.name())) continue;
            if (h.usable(s)) servers.add(s);
        }
        long start = System.nanoTime();
        for (int round = 1; round <= rounds; round++) {
            for (Server s : servers) {
                h.keepAlive(s, 100, round);
                h.keepAlive(s, 1000, round);
                h.connectionPerRequest(s, round);
                h.heldConnections(s, round);
            }
        }
        if (!quick) for (Server s : servers) h.overload(s);
        if (tls) {
            List<TlsBench.TlsServer> tlsServers = new ArrayList<>();
            for (TlsBench.TlsServer s : TlsBench.all()) {
                if ((only == null || only.contains(s.server().name())) && h.usable(s.server())) tlsServers.add(s);
            }
            if (!tlsServers.isEmpty()) TlsBench.run(h, tlsServers);
        }
        Map<String, Double> micro = new LinkedHashMap<>();
        if (jmh) {
            micro.putAll(Micro.run(quick));
            micro.putAll(Ffi.run(quick, machine).micro()); // also writes target/bench/ffi/
        }
        micro.putAll(Micro.cPrograms(quick));
        Report report = new Report(machine, quick, rounds, h.results, h.skipped, micro);
        report.write(OUT);
        System.out.printf("bench finished in %.0f s: %s%n", (System.nanoTime() - start) / 1e9, OUT.resolve("report.md"));
    }

    /** False, with the cause printed and kept for the report, when the server cannot run here. */
    boolean usable(Server s) {
        String why = s.unavailability();
        if (why == null) return true;
        System.out.println("skipping " + s.name() + ": " + why);
        skipped.put(s.name(), why);
        return false;
    }

    int port() {
        return nextPort++;
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

    /** wrk -t1 -cN against keep-alive mode: requests per second of server CPU, and per second of wall time. */
    void keepAlive(Server s, int connections, int round) {
        String scenario = "keep-alive " + connections;
        int port = port();
        Process server = Proc.start(s.command(port, 0, true), log(s, "ka" + connections, round));
        try {
            if (!Proc.waitForPort(port, server, 15_000)) {
                System.out.println(s.name() + " did not start for " + scenario);
                return;
            }
            if (warmup > 0) wrk(port, connections, warmup);
            double cpu0 = Proc.cpuSeconds(server.pid());
            String out = wrk(port, connections, seconds);
            double cpu = Proc.cpuSeconds(server.pid()) - cpu0;
            long requests = find(WRK_TOTAL, out);
            long errors = 0;
            Matcher m = WRK_ERRORS.matcher(out);
            if (m.find()) for (int g = 1; g <= 4; g++) errors += Long.parseLong(m.group(g));
            errors += find(WRK_NON2XX, out);
            result(scenario, s, "requests per CPU-second", "req/CPU-s").add(requests / cpu,
                    Map.of("requests", requests, "req/s", requests / (double) seconds, "cpu s", cpu, "errors", errors));
            System.out.printf("%-18s %-16s round %d: %,.0f req/CPU-s, %,.0f req/s, cpu %.2f s, errors %d%n",
                    s.name(), scenario, round, requests / cpu, requests / (double) seconds, cpu, errors);
        } finally {
            Proc.stop(server);
        }
    }

    private String wrk(int port, int connections, int duration) {
        return Proc.run(List.of("taskset", "-c", LOAD_CPU, "wrk", "-t1", "-c" + connections, "-d" + duration + "s",
                "http://127.0.0.1:" + port + "/"), duration + 30);
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
        int port = port();
        Process server = Proc.start(s.command(port, 0, false), log(s, "cpr", round));
        try {
            if (!Proc.waitForPort(port, server, 15_000)) {
                System.out.println(s.name() + " did not start for " + scenario);
                return;
            }
            if (warmup > 0) connClient(port, warmup);
            double cpu0 = Proc.cpuSeconds(server.pid());
            String out = connClient(port, seconds);
            double cpu = Proc.cpuSeconds(server.pid()) - cpu0;
            Matcher m = CLIENT_LINE.matcher(out);
            if (!m.find()) {
                System.out.println(s.name() + " " + scenario + ": client said " + out.strip());
                return;
            }
            long replies = Long.parseLong(m.group(2));
            long errors = Long.parseLong(m.group(3));
            double wall = Double.parseDouble(m.group(4));
            result(scenario, s, "connections per CPU-second", "conn/CPU-s").add(replies / cpu,
                    Map.of("replies", replies, "conn/s", replies / wall, "cpu s", cpu, "errors", errors));
            System.out.printf("%-18s %-16s round %d: %,.0f conn/CPU-s, %,.0f conn/s, cpu %.2f s, errors %d%n",
                    s.name(), scenario, round, replies / cpu, replies / wall, cpu, errors);
        } finally {
            Proc.stop(server);
        }
    }

    private String connClient(int port, int duration) {
        return Proc.run(List.of("taskset", "-c", LOAD_CPU, "target/native/conn_client", "--port", Integer.toString(port),
                "--connections", "100000000", "--concurrency", "100", "--addresses", "4",
                "--duration", Integer.toString(duration)), duration + 60);
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
        int port = port();
        long delay = quick ? 1000 : 8000;
        Process server = Proc.start(s.command(port, delay, false), log(s, "held", round));
        try {
            if (!Proc.waitForPort(port, server, 15_000)) {
                System.out.println(s.name() + " did not start for " + scenario);
                return;
            }
            Proc.sleep(500);
            long idle = Proc.rssBytes(server.pid());
            Process client = Proc.start(loadClient(port, held, 60), log(s, "held-client", round));
            long peak = idle;
            while (client.isAlive()) {
                peak = Math.max(peak, Proc.rssBytes(server.pid()));
                Proc.sleep(50);
            }
            String out = readLog(log(s, "held-client", round));
            long replies = find(LOAD_REPLIES, out);
            Matcher m = LOAD_REPLIES.matcher(out);
            long errors = m.find() ? Long.parseLong(m.group(2)) : -1;
            long peakOpen = find(LOAD_PEAK, out);
            double perConnection = peakOpen == 0 ? Double.NaN : (peak - idle) / (double) peakOpen;
            result(scenario, s, "RSS growth per held connection", "bytes").add(perConnection,
                    Map.of("held", peakOpen, "replies", replies, "errors", errors, "idle RSS MB", idle / 1048576.0,
                            "peak RSS MB", peak / 1048576.0));
            System.out.printf("%-18s %-16s round %d: held %d, replies %d, errors %d, RSS %.1f -> %.1f MB, %.0f B/conn%n",
                    s.name(), scenario, round, peakOpen, replies, errors, idle / 1048576.0, peak / 1048576.0, perConnection);
        } finally {
            Proc.stop(server);
        }
    }

    private List<String> loadClient(int port, int connections, int timeout) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of("taskset", "-c", LOAD_CPU, java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "io.juv.examples.LoadClient", "--port", Integer.toString(port),
                "--connections", Integer.toString(connections), "--addresses", "4", "--timeout", Integer.toString(timeout));
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
        int port = port();
        Process server = Proc.start(s.command(port, 3000, false), log(s, "overload", 1));
        try {
            if (!Proc.waitForPort(port, server, 15_000)) return;
            Process a = Proc.start(loadClient(port, 12_000, 40), log(s, "overload-client-a", 1));
            Process b = Proc.start(loadClient(port, 12_000, 40), log(s, "overload-client-b", 1));
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
