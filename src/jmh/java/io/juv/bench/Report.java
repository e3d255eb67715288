package io.juv.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** report.md, report.json and chart.png, each headed by the machine's facts; and two reports side by side. */
final class Report {

    private final Map<String, String> machine;
    private final Setup setup;
    private final boolean quick;
    private final int rounds;
    private final List<Harness.Result> results;
    /** Servers that could not run on this machine, and why (a transport the kernel refuses, say). */
    private final Map<String, String> skipped;
    private final Map<String, String> failed;
    private final Map<String, Double> micro;
    private final String when = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);

    /**
     * How a run measured: its load tool ("wrk": wrk and native/conn_client; "juv": juv's LoadClient),
     * the servers' CPU clock, the RSS source, the pinning, and the loopback addresses the clients spread over.
     * Runs that differ in these are not like for like ({@link #compare} says so at the top).
     */
    record Setup(String load, Proc.Clock clock, Proc.Rss rss, String pinning, int addresses) {
        /** Wrk mode: what every report before these fields were written was measured with. */
        static final Map<String, Object> BEFORE = Map.of("load", "wrk", "clock", "proc", "pinning", "taskset");

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("load", load);
            m.put("load tools", load.equals("wrk") ? "wrk -t1 (keep-alive), native/conn_client (connection per request), juv's LoadClient (held)"
                    : "juv's io.juv.examples.LoadClient in its own JVM (every load)");
            m.put("clock", clock.name().toLowerCase(Locale.ROOT));
            m.put("clock source", clock.description);
            m.put("rss", rss.name().toLowerCase(Locale.ROOT));
            m.put("rss source", rss.description);
            // "taskset" or "none": the kind compared; the sentence beside it.
            m.put("pinning", pinning.startsWith("taskset") ? "taskset" : "none");
            m.put("pinning detail", pinning);
            m.put("loopback addresses", addresses);
            return m;
        }
    }

    Report(Map<String, String> machine, Setup setup, boolean quick, int rounds, List<Harness.Result> results,
           Map<String, String> skipped, Map<String, String> failed, Map<String, Double> micro) {
        this.machine = machine;
        this.setup = setup;
        this.quick = quick;
        this.rounds = rounds;
        this.results = results;
        this.skipped = skipped;
        this.failed = failed;
        this.micro = micro;
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown());
        Files.writeString(dir.resolve("report.json"), Json.write(json()));
        chart(dir.resolve("chart.png"));
    }

    // ------------------------------------------------------------------ targets

    record Target(String goal, String measured, boolean met) {}

    private Double median(String scenario, String server) {
        for (Harness.Result r : results) {
            if (r.scenario.equals(scenario) && r.server.equals(server)) return r.median();
        }
        return null;
    }

    private Harness.Result find(String scenario, String server) {
        for (Harness.Result r : results) if (r.scenario.equals(scenario) && r.server.equals(server)) return r;
        return null;
    }

    private static final List<String> JVM_PEERS = List.of("Netty epoll", "Netty io_uring", "java.nio", "virtual threads");
    private static final List<String> NETTY_TLS = List.of("Netty TLS", "Netty TLS io_uring");

    /** The best of {@code servers} in a scenario where more is better, or null if none ran. */
    private Map.Entry<String, Double> best(String scenario, List<String> servers) {
        Map.Entry<String, Double> best = null;
        for (Harness.Result r : results) {
            if (r.scenario.equals(scenario) && servers.contains(r.server) && (best == null || r.median() > best.getValue())) {
                best = Map.entry(r.server, r.median());
            }
        }
        return best;
    }

    /** juv's TLS against the better of Netty's two transports under the SslHandler. */
    private void tlsRatio(List<Target> t, String goal, String scenario) {
        Map.Entry<String, Double> netty = best(scenario, NETTY_TLS);
        if (netty != null) ratio(t, goal, median(scenario, "juv TLS"), netty.getValue(), 1.0, netty.getKey());
    }

    /** Issue 10's targets (keep-alive and a connection per request against C and every JVM peer, held RSS, timers, FFI dispatch) and the standing ones. */
    List<Target> targets() {
        List<Target> t = new ArrayList<>();
        for (String ka : List.of("keep-alive 100", "keep-alive 1000")) {
            ratio(t, ka + ": juv ≥ 0.97 × C (req per CPU-second)", median(ka, "juv"), median(ka, "C libuv"), 0.97, "C");
            Map.Entry<String, Double> peer = best(ka, JVM_PEERS);
            if (peer != null) ratio(t, ka + ": juv ≥ every JVM peer", median(ka, "juv"), peer.getValue(), 1.0, peer.getKey());
        }
        String cpr = "connection per request";
        ratio(t, cpr + ": juv ≥ 0.95 × C (connections per CPU-second)", median(cpr, "juv"), median(cpr, "C libuv"), 0.95, "C");
        Map.Entry<String, Double> peer = best(cpr, JVM_PEERS);
        if (peer != null) ratio(t, cpr + ": juv ≥ every JVM peer", median(cpr, "juv"), peer.getValue(), 1.0, peer.getKey());
        Harness.Result held = find("held connections", "juv");
        if (held != null) {
            Map<String, Object> d = held.medianDetail();
            long n = ((Number) d.get("held")).longValue();
            long errors = ((Number) d.get("errors")).longValue();
            t.add(new Target("held: ≥ 19,800 connections with 0 errors", n + " held, " + errors + " errors",
                    n >= 19_800 && errors == 0));
            t.add(new Target("held: RSS growth ≤ 450 B per connection", String.format(Locale.ROOT, "%.0f B", held.median()),
                    held.median() <= 450));
        }
        Harness.Result over = find("past the fd limit", "juv");
        if (over != null) {
            boolean alive = (Boolean) over.details.get(0).get("alive after");
            t.add(new Target("past the fd limit: the loop survives and keeps serving",
                    String.format(Locale.ROOT, "%.0f replies, answering after: %s", over.median(), alive), alive && over.median() > 0));
        }
        Double juvNow = micro.get("uv_now: juv's EventLoop.now() (ns)");
        Double critNow = micro.get("uv_now: FFM critical (ns)");
        if (juvNow != null && critNow != null) {
            t.add(new Target("FFI: juv's call path ≤ 1.3 × raw FFM critical (uv_now)",
                    String.format(Locale.ROOT, "%.2f ns vs %.2f ns: %.2f×", juvNow, critNow, juvNow / critNow), juvNow <= 1.3 * critNow));
        }
        Double dispatch = micro.get("upcall: libuv timer callback through juv's dispatch (ns)");
        Double stub = micro.get("upcall: bare FFM stub (ns)");
        Double jni = micro.get("upcall: JNI CallStaticVoidMethod (ns)");
        if (dispatch != null && stub != null) {
            t.add(new Target("FFI: a libuv callback through juv's dispatch ≤ 1.1 × a bare FFM upcall stub",
                    String.format(Locale.ROOT, "%.2f ns vs %.2f ns: %.2f× (JNI %s ns)", dispatch, stub, dispatch / stub,
                            jni == null ? "not run" : String.format(Locale.ROOT, "%.1f", jni)), dispatch <= 1.1 * stub));
        }
        Double juvTimers = micro.get("timers scheduled and fired: juv (per s)");
        Double cTimers = micro.get("timers scheduled and fired: C (per s)");
        if (juvTimers != null && cTimers != null) {
            t.add(new Target("timers: juv ≥ 2 × C (one uv_timer_t per timer)", String.format(Locale.ROOT, "%,.0f/s vs %,.0f/s: %.2f×",
                    juvTimers, cTimers, juvTimers / cTimers), juvTimers >= 2 * cTimers));
        }
        tlsRatio(t, "TLS handshakes: juv ≥ Netty's SslHandler on the JDK provider (per CPU-second)", "TLS handshakes");
        tlsRatio(t, "TLS 64 KiB echo: juv ≥ Netty's SslHandler on the JDK provider (bytes per CPU-second)", "TLS echo, 64 KiB");
        Double juvBulk = micro.get("TCP echo, 64 KiB messages: juv program, as C's (bytes/s)");
        Double cBulk = micro.get("TCP echo, 64 KiB messages: C (bytes/s)");
        if (juvBulk != null && cBulk != null) {
            t.add(new Target("bulk: the 64 KiB TCP echo, juv's program ≥ 0.95 × C's", String.format(Locale.ROOT,
                    "%.2f vs %.2f GB/s: %.2f×", juvBulk / 1e9, cBulk / 1e9, juvBulk / cBulk), juvBulk >= 0.95 * cBulk));
        }
        Double juvUdp = micro.get("UDP echo, 64-byte datagrams: juv program, as C's (msgs/s)");
        Double cUdp = micro.get("UDP echo, 64-byte datagrams: C (msgs/s)");
        if (juvUdp != null && cUdp != null) {
            t.add(new Target("UDP: the 64-byte UDP echo, juv's program ≥ 0.9 × C's", String.format(Locale.ROOT,
                    "%,.0f vs %,.0f datagrams/s: %.2f×", juvUdp, cUdp, juvUdp / cUdp), juvUdp >= 0.9 * cUdp));
        }
        Double juvSpawn = micro.get(Micro.SPAWN_RATE + ": juv program, as C's (processes/s)");
        Double cSpawn = micro.get(Micro.SPAWN_RATE + ": C (processes/s)");
        if (juvSpawn != null && cSpawn != null) {
            // No target yet: a JVM's fork copies far more page tables than a small C program's; this row says how much that costs.
            t.add(new Target("spawn rate, juv vs C (/bin/true, 8 in flight)", String.format(Locale.ROOT,
                    "%,.0f vs %,.0f processes/s: %.2f×", juvSpawn, cSpawn, juvSpawn / cSpawn), true));
        }
        Double juvReads = micro.get(Micro.FILE_READS + ": juv program, as C's (bytes/s)");
        Double cReads = micro.get(Micro.FILE_READS + ": C (bytes/s)");
        Double nioReads = micro.get(Micro.FILE_READS + ": java.nio on virtual threads (bytes/s)");
        if (juvReads != null && cReads != null) {
            t.add(new Target("files: 1 MiB reads from the page cache, juv's program ≥ 0.9 × C's", String.format(Locale.ROOT,
                    "%.2f vs %.2f GB/s: %.2f× (java.nio on virtual threads: %s)", juvReads / 1e9, cReads / 1e9, juvReads / cReads,
                    nioReads == null ? "not run" : String.format(Locale.ROOT, "%.2f GB/s", nioReads / 1e9)), juvReads >= 0.9 * cReads));
        }
        Double juvStats = micro.get(Micro.FILE_STATS + ": juv program, as C's (ops/s)");
        Double cStats = micro.get(Micro.FILE_STATS + ": C (ops/s)");
        Double nioStats = micro.get(Micro.FILE_STATS + ": java.nio on virtual threads (ops/s)");
        if (juvStats != null && cStats != null) {
            t.add(new Target("files: stats through the thread pool, juv's program ≥ 0.5 × C's", String.format(Locale.ROOT,
                    "%,.0f vs %,.0f/s: %.2f× (java.nio on virtual threads, no pool hop: %s)", juvStats, cStats, juvStats / cStats,
                    nioStats == null ? "not run" : String.format(Locale.ROOT, "%,.0f/s", nioStats)), juvStats >= 0.5 * cStats));
        }
        Double juvTcp = micro.get("TCP echo, 64 KiB messages: juv (bytes/s)");
        Double juvPipe = micro.get("pipe echo, 64 KiB messages: juv (bytes/s)");
        if (juvTcp != null && juvPipe != null) {
            t.add(new Target("pipes: the 64 KiB pipe echo against TCP's (JMH, same run)", String.format(Locale.ROOT,
                    "%.2f vs %.2f GB/s: %.2f×", juvPipe / 1e9, juvTcp / 1e9, juvPipe / juvTcp), true));
        }
        return t;
    }

    private static void ratio(List<Target> t, String goal, Double juv, Double other, double wanted, String otherName) {
        if (juv == null || other == null) return;
        double r = juv / other;
        t.add(new Target(goal, String.format(Locale.ROOT, "%,.0f vs %s %,.0f: %.2f×", juv, otherName, other, r), r >= wanted));
    }

    // ------------------------------------------------------------------ markdown

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# juv benchmark report").append(quick ? " (quick mode: a smoke test, not a measurement)" : "").append("\n\n");
        md.append("Run ").append(when).append(". Pinning: ").append(setup.pinning()).append("; ").append(rounds)
                .append(rounds == 1 ? " round" : " rounds, medians").append(". Produced by `make bench")
                .append(quick ? " QUICK=1" : "").append("`.\n\n");
        md.append("| machine | |\n|---|---|\n");
        machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n| measured with | |\n|---|---|\n");
        Map<String, Object> how = setup.json();
        md.append("| load tools | ").append(how.get("load")).append(": ").append(how.get("load tools")).append(" |\n");
        md.append("| servers' CPU clock | ").append(how.get("clock")).append(": ").append(how.get("clock source")).append(" |\n");
        md.append("| RSS | ").append(how.get("rss")).append(": ").append(how.get("rss source")).append(" |\n");
        md.append("| pinning | ").append(setup.pinning()).append(" |\n");
        md.append("| loopback addresses | ").append(setup.addresses()).append(" |\n");
        md.append("\n## Targets\n\n| target | measured | met |\n|---|---|---|\n");
        for (Target t : targets()) {
            md.append("| ").append(t.goal).append(" | ").append(t.measured).append(" | ").append(t.met ? "yes" : "**no**").append(" |\n");
        }
        if (!skipped.isEmpty()) {
            md.append("\n## Servers skipped on this machine\n\n| server | why |\n|---|---|\n");
            skipped.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n"));
        }
        if (!failed.isEmpty()) {
            md.append("\n## Steps that gave no figure\n\n| step | why |\n|---|---|\n");
            failed.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v.replace("|", "\\|").replace("\n", " ")).append(" |\n"));
        }
        List<String> scenarios = new ArrayList<>();
        for (Harness.Result r : results) if (!scenarios.contains(r.scenario)) scenarios.add(r.scenario);
        for (String scenario : scenarios) {
            md.append("\n## ").append(scenario).append("\n\n");
            Double c = median(scenario, "C libuv");
            Double juv = median(scenario, "juv");
            md.append("| server | ").append(metricOf(scenario)).append(" (median) | rounds | × C | × juv | detail (median round) |\n");
            md.append("|---|---|---|---|---|---|\n");
            for (Harness.Result r : results) {
                if (!r.scenario.equals(scenario)) continue;
                md.append("| ").append(r.server).append(" | ").append(num(r.median())).append(" | ");
                md.append(String.join(", ", r.values.stream().map(Report::num).toList())).append(" | ");
                md.append(c == null ? "" : String.format(Locale.ROOT, "%.2f", r.median() / c)).append(" | ");
                md.append(juv == null ? "" : String.format(Locale.ROOT, "%.2f", r.median() / juv)).append(" | ");
                md.append(detail(r.medianDetail())).append(" |\n");
            }
        }
        if (!micro.isEmpty()) {
            md.append("\n## Small paths (JMH, and the C programs in native/)\n\n| measurement | value |\n|---|---|\n");
            micro.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(num(v)).append(" |\n"));
        }
        return md.toString();
    }

    private String metricOf(String scenario) {
        for (Harness.Result r : results) if (r.scenario.equals(scenario)) return r.metric;
        return "";
    }

    private static String detail(Map<String, Object> d) {
        List<String> parts = new ArrayList<>();
        d.forEach((k, v) -> parts.add(k + " " + (v instanceof Double x ? num(x) : v)));
        parts.sort(null);
        return String.join(", ", parts);
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "n/a";
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    // ------------------------------------------------------------------ json

    Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("when", when);
        root.put("quick", quick);
        root.put("rounds", rounds);
        root.put("machine", machine);
        root.put("setup", setup.json());
        List<Object> rs = new ArrayList<>();
        for (Harness.Result r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", r.scenario);
            m.put("server", r.server);
            m.put("metric", r.metric);
            m.put("unit", r.unit);
            m.put("median", r.median());
            m.put("values", r.values);
            m.put("details", r.details);
            rs.add(m);
        }
        root.put("results", rs);
        root.put("skipped", skipped);
        root.put("failed", failed);
        root.put("micro", micro);
        List<Object> ts = new ArrayList<>();
        for (Target t : targets()) ts.add(Map.of("goal", t.goal, "measured", t.measured, "met", t.met));
        root.put("targets", ts);
        return root;
    }

    // ------------------------------------------------------------------ chart

    void chart(Path png) throws IOException {
        List<String> scenarios = new ArrayList<>();
        for (Harness.Result r : results) if (!scenarios.contains(r.scenario)) scenarios.add(r.scenario);
        List<Bars.Panel> panels = new ArrayList<>();
        for (String scenario : scenarios) {
            List<Harness.Result> rows = results.stream().filter(r -> r.scenario.equals(scenario)).toList();
            String better = rows.get(0).unit.equals("bytes") ? " (less is better)" : " (more is better)";
            List<Bars.Bar> bars = new ArrayList<>();
            for (Harness.Result r : rows) {
                bars.add(new Bars.Bar(r.server, r.median(), Double.NaN, num(r.median()) + " " + r.unit,
                        r.server.equals("juv") ? Bars.JUV : r.server.equals("C libuv") ? Bars.C : Bars.OTHER));
            }
            panels.add(new Bars.Panel(scenario + ": " + rows.get(0).metric + better, bars));
        }
        List<String> subtitle = new ArrayList<>(List.of(
                machine.get("os") + " · " + machine.get("cpu") + " · " + machine.get("cores") + " cores · "
                        + machine.get("jdk") + " · libuv " + machine.get("libuv"),
                when + " · " + rounds + (rounds == 1 ? " round" : " rounds, medians") + " · load: " + setup.load()
                        + " · clock: " + setup.clock().name().toLowerCase(Locale.ROOT) + " · "
                        + (setup.pinning().startsWith("taskset") ? "server on CPU " + Harness.SERVER_CPU + ", load on CPU " + Harness.LOAD_CPU
                        : "not pinned")));
        if (!skipped.isEmpty()) subtitle.add("skipped here: " + String.join(", ", skipped.keySet()) + " (why: report.md)");
        Bars.draw(png, "juv side by side" + (quick ? " (quick mode)" : ""), subtitle, panels, 140);
    }

    // ------------------------------------------------------------------ two reports side by side

    /** compare.md, and what the two runs differ in that makes them unlike (load tool, clock, pinning): empty when alike. */
    record Comparison(String markdown, List<String> unlike) {}

    /** A report's setup; a report from before there was one was measured in wrk mode ({@link Setup#BEFORE}). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> setupOf(Map<String, Object> report) {
        Object s = report.get("setup");
        return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Setup.BEFORE;
    }

    /** A parsed JSON value in a table cell: whole numbers without ".0", nothing for a missing one. */
    private static String cell(Object v) {
        if (v == null) return "";
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return Long.toString(n.longValue());
        return v.toString();
    }

    @SuppressWarnings("unchecked")
    static Comparison compare(Path a, Path b) throws IOException {
        Map<String, Object> ra = (Map<String, Object>) Json.parse(Files.readString(a));
        Map<String, Object> rb = (Map<String, Object>) Json.parse(Files.readString(b));
        Map<String, Object> sa = setupOf(ra), sb = setupOf(rb);
        List<String> unlike = new ArrayList<>();
        for (String k : List.of("load", "clock", "pinning")) {
            if (!String.valueOf(sa.get(k)).equals(String.valueOf(sb.get(k)))) {
                unlike.add(switch (k) {
                    case "load" -> "load tools";
                    case "clock" -> "CPU clock";
                    default -> "pinning";
                } + " (A: " + sa.get(k) + ", B: " + sb.get(k) + ")");
            }
        }
        StringBuilder md = new StringBuilder("# juv: two benchmark reports side by side\n\n");
        if (!unlike.isEmpty()) {
            // At the top, before any figure: a ratio of runs measured differently says as much of the tools as of the machines.
            md.append("> **Not like for like:** the two runs differ in ").append(String.join("; ", unlike))
                    .append(". Their B / A ratios mix the difference in tools with the difference in machines; for a fair")
                    .append(" comparison run both with the same `--load` and `--clock` (portable mode: `BENCH_ARGS='--load juv --clock process'`).\n\n");
        }
        md.append("A: `").append(a).append("`, B: `").append(b).append("`\n\n| measured with | A | B |\n|---|---|---|\n");
        for (String k : List.of("load", "clock", "rss", "pinning", "loopback addresses")) {
            md.append("| ").append(k).append(" | ").append(cell(sa.get(k))).append(" | ").append(cell(sb.get(k))).append(" |\n");
        }
        md.append("\n| machine | A | B |\n|---|---|---|\n");
        Map<String, Object> ma = (Map<String, Object>) ra.get("machine"), mb = (Map<String, Object>) rb.get("machine");
        for (String k : ma.keySet()) md.append("| ").append(k).append(" | ").append(ma.get(k)).append(" | ").append(mb.getOrDefault(k, "")).append(" |\n");
        md.append("\n| scenario | server | metric | A | B | B / A |\n|---|---|---|---|---|---|\n");
        Map<String, Double> vb = new LinkedHashMap<>();
        for (Object o : (List<Object>) rb.get("results")) {
            Map<String, Object> r = (Map<String, Object>) o;
            vb.put(r.get("scenario") + "|" + r.get("server"), Json.number(r.get("median")));
        }
        for (Object o : (List<Object>) ra.get("results")) {
            Map<String, Object> r = (Map<String, Object>) o;
            String key = r.get("scenario") + "|" + r.get("server");
            double va = Json.number(r.get("median"));
            Double other = vb.get(key);
            md.append("| ").append(r.get("scenario")).append(" | ").append(r.get("server")).append(" | ").append(r.get("metric"))
                    .append(" | ").append(num(va)).append(" | ").append(other == null ? "" : num(other)).append(" | ")
                    .append(other == null ? "" : String.format(Locale.ROOT, "%.2f", other / va)).append(" |\n");
        }
        Map<String, Object> ua = (Map<String, Object>) ra.get("micro"), ub = (Map<String, Object>) rb.get("micro");
        md.append("\n| small path | A | B | B / A |\n|---|---|---|---|\n");
        for (String k : ua.keySet()) {
            double va = Json.number(ua.get(k));
            Double other = ub.containsKey(k) ? Json.number(ub.get(k)) : null;
            md.append("| ").append(k).append(" | ").append(num(va)).append(" | ")
                    .append(other == null ? "" : num(other)).append(" | ")
                    .append(other == null ? "" : String.format(Locale.ROOT, "%.2f", other / va)).append(" |\n");
        }
        return new Comparison(md.toString(), unlike);
    }
}
