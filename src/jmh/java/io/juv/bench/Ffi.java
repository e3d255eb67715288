package io.juv.bench;

import io.juv.examples.Cli;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code make bench-ffi} (and a part of {@code make bench}): what crossing between Java and C
 * costs, FFM against JNI with plain C as the floor. JMH's DowncallBench and UpcallBench with
 * {@code -prof gc}, native/ffi_floor.c, and {@link io.juv.jmh.ColdCalls} in fresh JVMs for the
 * first calls. Writes target/bench/ffi/report.md, report.json, chart.png, and keeps the raw
 * material beside them: jmh.json (JMH's own), floor.txt, cold.txt.
 *
 * <pre>
 * --quick   1 fork, 1 + 3 iterations of 50 ms (3: the fewest JMH gives an error for), one
 *           fresh JVM per cold figure: a smoke test of the harness (CI), not a measurement.
 *           Otherwise 3 forks, 5 + 10 iterations of 500 ms (the JDK's own FFM benchmarks'
 *           settings) and 10 fresh JVMs per cold figure: about a quarter of an hour.
 * </pre>
 *
 * <p>It prints its progress as it goes ({@link Progress}): the part and step under way, how far the
 * whole run is, and about how long is left.
 */
public final class Ffi {

    static final Path OUT = Harness.OUT.resolve("ffi");
    private static final String JDK_MICRO = "https://github.com/openjdk/jdk/tree/master/test/micro/org/openjdk/bench/java/lang/foreign";

    /** One JMH benchmark as a row of the report: what it calls, through what, from which thread, and its C floor. */
    record Row(String bench, String shape, String via, String thread, String floor, String mirrors, boolean pitfall) {}

    static final List<Row> DOWNCALLS = List.of(
            new Row("DowncallBench.emptyFfm", "no arguments", "FFM", "", "empty", "CallOverheadConstant.panama_blank", false),
            new Row("DowncallBench.emptyFfmCritical", "no arguments", "FFM critical", "", "empty", "CallOverheadConstant.panama_blank_critical", false),
            new Row("DowncallBench.emptyJni", "no arguments", "JNI", "", "empty", "CallOverheadConstant.jni_blank", false),
            new Row("DowncallBench.args6Ffm", "six longs", "FFM", "", "args6", "CallOverheadConstant.panama_args_05 (long/double mixed there)", false),
            new Row("DowncallBench.args6FfmCritical", "six longs", "FFM critical", "", "args6", "CallOverheadConstant.panama_args_05, critical", false),
            new Row("DowncallBench.args6Jni", "six longs", "JNI", "", "args6", "CallOverheadConstant.jni_blank, with arguments", false),
            new Row("DowncallBench.ptrLenFfm", "pointer + length", "FFM", "", "ptr_len", "CallOverheadConstant.panama_identity_memory_address_confined", false),
            new Row("DowncallBench.ptrLenFfmCritical", "pointer + length", "FFM critical", "", "ptr_len", "the same, critical", false),
            new Row("DowncallBench.ptrLenJni", "pointer + length", "JNI", "", "ptr_len", "(address as a jlong)", false),
            new Row("DowncallBench.pairFfm", "struct by value (2 × int64)", "FFM", "", "pair_by_value", "CallOverheadConstant.panama_identity_struct_confined; CallOverheadByValue", false),
            new Row("DowncallBench.pairFfmCritical", "struct by value (2 × int64)", "FFM critical", "", "pair_by_value", "the same, critical", false),
            new Row("DowncallBench.pairJni", "struct by value (2 × int64)", "JNI", "", "pair_by_value", "(JNI has none: the two fields as jlongs)", false),
            new Row("DowncallBench.heapArrayFfmCopy", "int[100] summed", "FFM (copied to native)", "", "sum_ints_100", "CriticalCalls.callRecycled", false),
            new Row("DowncallBench.heapArrayFfmCritical", "int[100] summed", "FFM critical(true), heap", "", "sum_ints_100", "CriticalCalls.callPinned", false),
            new Row("DowncallBench.heapArrayJni", "int[100] summed", "JNI GetPrimitiveArrayCritical", "", "sum_ints_100", "", false),
            new Row("DowncallBench.uvNowFfm", "libuv uv_now", "FFM (plain handle)", "", "", "", false),
            new Row("DowncallBench.uvNowFfmCritical", "libuv uv_now", "FFM critical", "", "", "", false),
            new Row("DowncallBench.uvNowJuv", "libuv uv_now", "juv EventLoop.now()", "", "", "", false),
            new Row("DowncallBench.uvNowJni", "libuv uv_now", "JNI", "", "", "", false));

    static final List<Row> UPCALLS = List.of(
            new Row("UpcallBench.ffm0", "0 arguments", "FFM", "JVM", "upcall0", "Upcalls.panama_blank", false),
            new Row("UpcallBench.jni0", "0 arguments", "JNI", "JVM", "upcall0", "Upcalls.jni_blank", false),
            new Row("UpcallBench.ffmStub", "1 (pointer)", "FFM", "JVM", "upcall1", "Upcalls.panama_identity", false),
            new Row("UpcallBench.jni1", "1 (pointer)", "JNI", "JVM", "upcall1", "Upcalls.jni_identity", false),
            new Row("UpcallBench.ffm3", "3 (pointer, long, pointer)", "FFM", "JVM", "upcall3", "Upcalls.panama_args5 (nearest)", false),
            new Row("UpcallBench.jni3", "3 (pointer, long, pointer)", "JNI", "JVM", "upcall3", "Upcalls.jni_args5 (nearest)", false),
            new Row("UpcallBench.jniNaive", "0 arguments", "JNI, FindClass + GetStaticMethodID per call", "JVM", "upcall0", "", true),
            new Row("UpcallBench.nativeThreadFfm0", "0 arguments", "FFM", "native", "upcall0", "none found", false),
            new Row("UpcallBench.nativeThreadJni0", "0 arguments", "JNI, attached once", "native", "upcall0", "", false),
            new Row("UpcallBench.nativeThreadFfm1", "1 (pointer)", "FFM", "native", "upcall1", "none found", false),
            new Row("UpcallBench.nativeThreadJni1", "1 (pointer)", "JNI, attached once", "native", "upcall1", "", false),
            new Row("UpcallBench.nativeThreadFfm3", "3 (pointer, long, pointer)", "FFM", "native", "upcall3", "none found", false),
            new Row("UpcallBench.nativeThreadJni3", "3 (pointer, long, pointer)", "JNI, attached once", "native", "upcall3", "", false),
            new Row("UpcallBench.nativeThreadJniAttachEach", "0 arguments", "JNI, attach + look up + detach per call", "native", "upcall0", "", true),
            new Row("UpcallBench.juvDispatch", "1 (uv_timer_t *)", "juv: libuv timer callback to user code", "JVM", "upcall1", "", false));

    /** A JMH score: mean, its error (99.9 % interval half-width, NaN with too few iterations), bytes allocated per op. */
    record Score(double mean, double error, double bytesPerOp) {}

    /** A cold figure over fresh JVMs (or threads): medians, and how many went in. */
    record Cold(double linkNs, double firstNs, double nextNs, int samples) {}

    private final boolean quick;
    private final Map<String, String> machine;
    private final Progress progress;
    private final String when = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    final Map<String, Score> scores = new LinkedHashMap<>();
    final Map<String, Double> floor = new LinkedHashMap<>();
    final Map<String, Cold> cold = new LinkedHashMap<>();

    private Ffi(boolean quick, Map<String, String> machine) {
        this.quick = quick;
        this.machine = new LinkedHashMap<>(machine);
        // Planned step times, from the first full run (make bench-ffi, 14 min 44 s): a JMH fork starts in
        // about a second, then runs its iterations; a fresh JVM for a cold figure takes about a second.
        int forks = quick ? 1 : 3;
        double perFork = 1 + (quick ? 1 * 0.05 + 3 * 0.05 : 5 * 0.5 + 10 * 0.5);
        int coldJvms = COLD.size() * (quick ? 1 : 10) + THREAD_COLD.size() * (quick ? 1 : 3);
        this.progress = new Progress("bench-ffi", List.of(
                new Progress.Part(JMH_PART, benchmarks(), forks * perFork),
                new Progress.Part(FLOOR_PART, 1, quick ? 1 : 5),
                new Progress.Part(COLD_PART, coldJvms, 1)), System.out);
    }

    public static void main(String[] args) {
        Cli.runAndExit(new Options(), args);
    }

    @Command(name = "bench-ffi", description = "What crossing between Java and C costs: FFM against JNI with plain C as the floor, steady "
            + "(JMH, -prof gc) and cold (fresh JVMs). Writes target/bench/ffi/report.md, report.json and chart.png.")
    private static final class Options implements Callable<Integer> {
        @Option(names = "--quick", description = "1 fork, 1 + 3 iterations of 50 ms, one fresh JVM per cold figure: a smoke test "
                + "of the harness (about a minute), not a measurement (default: 3 forks, 5 + 10 iterations of 500 ms, "
                + "10 fresh JVMs per cold figure: about a quarter of an hour)")
        boolean quick;

        @Override
        public Integer call() throws Exception {
            Map<String, String> machine = Machine.facts();
            machine.forEach((k, v) -> System.out.println(k + ": " + v));
            long start = System.nanoTime();
            Ffi ffi = run(quick, machine);
            System.out.println(ffi.tables());
            System.out.printf("bench-ffi finished in %.0f s: %s%n", (System.nanoTime() - start) / 1e9, OUT.resolve("report.md"));
            return 0;
        }
    }

    private static final String JMH_PART = "JMH", FLOOR_PART = "C floor", COLD_PART = "cold calls";
    private static final List<String> COLD = List.of("downcall-ffm", "downcall-ffm-critical", "downcall-jni", "upcall-ffm", "upcall-jni");
    private static final List<String> THREAD_COLD = List.of("thread-ffm", "thread-jni");

    /** The JMH benchmarks this report runs: DowncallBench's and UpcallBench's (neither has parameters). */
    static int benchmarks() {
        int n = 0;
        for (Class<?> c : List.of(io.juv.jmh.DowncallBench.class, io.juv.jmh.UpcallBench.class)) {
            for (Method m : c.getMethods()) if (m.isAnnotationPresent(Benchmark.class)) n++;
        }
        return n;
    }

    /** Runs everything and writes the report; {@link #micro()} then gives the main report its FFI rows. */
    static Ffi run(boolean quick, Map<String, String> machine) throws IOException, RunnerException {
        Files.createDirectories(OUT);
        Ffi ffi = new Ffi(quick, machine);
        ffi.progress.plan();
        ffi.machine.put("load average at start", loadAverage());
        ffi.jmh();
        ffi.floor();
        ffi.cold();
        ffi.machine.put("load average at end", loadAverage());
        ffi.write();
        ffi.progress.done();
        return ffi;
    }

    /** The figures the main report has always had, under its names (Micro.NAMES). */
    Map<String, Double> micro() {
        Map<String, Double> out = new LinkedHashMap<>();
        scores.forEach((bench, s) -> {
            String name = Micro.NAMES.get(bench);
            if (name != null) out.put(name, s.mean);
        });
        return out;
    }

    // ------------------------------------------------------------------ measuring

    private void jmh() throws RunnerException {
        OptionsBuilder opts = new OptionsBuilder();
        opts.include("io\\.juv\\.jmh\\.(DowncallBench|UpcallBench)\\.")
                .forks(quick ? 1 : 3)
                .warmupIterations(quick ? 1 : 5).warmupTime(TimeValue.milliseconds(quick ? 50 : 500))
                .measurementIterations(quick ? 3 : 10).measurementTime(TimeValue.milliseconds(quick ? 50 : 500))
                .addProfiler(GCProfiler.class)
                .resultFormat(ResultFormatType.JSON).result(OUT.resolve("jmh.json").toString())
                .jvmArgsAppend(Micro.jvmArgs());
        Runner runner = new Runner(opts.build(), progress.jmh(JMH_PART, OutputFormatFactory.createFormatInstance(System.out, VerboseMode.NORMAL)));
        for (RunResult r : runner.run()) {
            String method = r.getParams().getBenchmark();
            String shortName = method.substring(method.lastIndexOf('.', method.lastIndexOf('.') - 1) + 1);
            Result<?> primary = r.getPrimaryResult();
            double bytes = Double.NaN;
            for (String key : r.getSecondaryResults().keySet()) {
                if (key.endsWith("gc.alloc.rate.norm")) bytes = r.getSecondaryResults().get(key).getScore();
            }
            scores.put(shortName, new Score(primary.getScore(), primary.getScoreError(), bytes));
        }
    }

    private static final Pattern FLOOR = Pattern.compile("shape=(\\S+) ns_per_call=([0-9.]+)");

    private void floor() throws IOException {
        progress.step(FLOOR_PART, "native/ffi_floor, " + (quick ? "2,000,000" : "20,000,000") + " calls per shape");
        String out = Proc.tryRun(List.of("target/native/ffi_floor", "--calls", quick ? "2000000" : "20000000"));
        if (out == null) {
            System.out.println("ffi_floor did not run (make native)");
            return;
        }
        Files.writeString(OUT.resolve("floor.txt"), out);
        Matcher m = FLOOR.matcher(out);
        while (m.find()) floor.put(m.group(1), Double.parseDouble(m.group(2)));
    }

    private static final Pattern NUMBER = Pattern.compile("(\\w+)_ns=([0-9.E+-]+|NaN)");

    /** Each cold figure in fresh JVMs, one measurement per JVM (per thread for the thread-* ones). */
    private void cold() throws IOException {
        int jvms = quick ? 1 : 10;
        StringBuilder raw = new StringBuilder();
        for (String what : COLD) {
            List<Map<String, Double>> samples = new ArrayList<>();
            for (int i = 0; i < jvms; i++) {
                progress.step(COLD_PART, what + ", fresh JVM " + (i + 1) + " of " + jvms);
                String out = coldJvm(what, 1);
                raw.append(what).append(": ").append(out.strip()).append('\n');
                samples.addAll(parseCold(out));
            }
            cold.put(what, summarise(samples, "link"));
        }
        // Fresh pthreads: the first in its JVM (everything cold) and the later ones (the JIT warm, the attach still new).
        for (String what : THREAD_COLD) {
            List<Map<String, Double>> firsts = new ArrayList<>(), later = new ArrayList<>();
            for (int i = 0; i < (quick ? 1 : 3); i++) {
                progress.step(COLD_PART, what + ", fresh JVM " + (i + 1) + " of " + (quick ? 1 : 3) + " (" + (quick ? 4 : 10) + " native threads)");
                String out = coldJvm(what, quick ? 4 : 10);
                raw.append(what).append(": ").append(out.strip().replace("\n", " | ")).append('\n');
                List<Map<String, Double>> threads = parseCold(out);
                if (threads.isEmpty()) continue;
                firsts.add(threads.get(0));
                later.addAll(threads.subList(1, threads.size()));
            }
            cold.put(what + " first", summarise(firsts, "thread"));
            cold.put(what + " later", summarise(later, "thread"));
        }
        Files.writeString(OUT.resolve("cold.txt"), raw.toString());
    }

    private static String coldJvm(String what, int threads) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(Micro.jvmArgs()));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.juv.jmh.ColdCalls", "--what", what,
                "--calls", "1000", "--threads", Integer.toString(threads)));
        return Proc.run(cmd, 120);
    }

    private static List<Map<String, Double>> parseCold(String out) {
        List<Map<String, Double>> lines = new ArrayList<>();
        for (String line : out.lines().toList()) {
            if (!line.contains("first_ns=")) continue;
            Map<String, Double> m = new LinkedHashMap<>();
            Matcher x = NUMBER.matcher(line);
            while (x.find()) m.put(x.group(1), Double.parseDouble(x.group(2)));
            lines.add(m);
        }
        return lines;
    }

    private static Cold summarise(List<Map<String, Double>> samples, String linkKey) {
        return new Cold(median(samples, linkKey), median(samples, "first"), median(samples, "next"), samples.size());
    }

    private static double median(List<Map<String, Double>> samples, String key) {
        List<Double> xs = samples.stream().map(m -> m.getOrDefault(key, Double.NaN)).filter(v -> !v.isNaN()).sorted().toList();
        if (xs.isEmpty()) return Double.NaN;
        int n = xs.size();
        return n % 2 == 1 ? xs.get(n / 2) : (xs.get(n / 2 - 1) + xs.get(n / 2)) / 2;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    // ------------------------------------------------------------------ the report

    private void write() throws IOException {
        Files.writeString(OUT.resolve("report.md"), markdown());
        Files.writeString(OUT.resolve("report.json"), Json.write(json()));
        chart(OUT.resolve("chart.png"));
    }

    private static String ns(double v) {
        if (Double.isNaN(v)) return "n/a";
        if (v >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
        if (v >= 100) return String.format(Locale.ROOT, "%.0f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String us(double nanos) {
        return Double.isNaN(nanos) ? "n/a" : String.format(Locale.ROOT, "%,.1f", nanos / 1000);
    }

    private static String bytes(double b) {
        return Double.isNaN(b) ? "n/a" : String.format(Locale.ROOT, "%.1f", b);
    }

    private String times(Row r, Score s) {
        Double c = floor.get(r.floor);
        return c == null || c <= 0 ? "" : String.format(Locale.ROOT, "%.1f×", s.mean / c);
    }

    private String settings() {
        return quick ? "1 fork, 1 warm-up + 3 measured iterations of 50 ms, `-prof gc`; cold figures from 1 fresh JVM each"
                : "3 forks, 5 warm-up + 10 measured iterations of 500 ms each (the JDK's own FFM benchmarks' settings), "
                + "`-prof gc`; cold figures: medians of 10 fresh JVMs each (threads: 3 JVMs × 10 fresh threads)";
    }

    /** The tables, also printed at the end of a run. */
    String tables() {
        StringBuilder md = new StringBuilder();
        md.append("## Downcalls: Java into C (ns per call, steady state)\n\n");
        md.append("| shape | via | ns/call | ± error | B/op | × C | JDK benchmark it mirrors |\n|---|---|---|---|---|---|---|\n");
        for (String shape : List.of("empty", "args6", "ptr_len", "pair_by_value", "sum_ints_100")) {
            Double c = floor.get(shape);
            String name = DOWNCALLS.stream().filter(r -> r.floor.equals(shape)).findFirst().map(Row::shape).orElse(shape);
            if (c != null) md.append("| ").append(name).append(" | plain C (native/ffi_floor.c) | ").append(ns(c)).append(" | | | 1.0× | |\n");
            for (Row r : DOWNCALLS) if (r.floor.equals(shape)) row(md, r, false);
        }
        for (Row r : DOWNCALLS) if (r.floor.isEmpty()) row(md, r, false);
        md.append("\n## Upcalls: C into Java (ns per call, steady state; 10,000 upcalls per downcall)\n\n");
        md.append("| arguments | via | thread | ns/call | ± error | B/op | × C | JDK benchmark it mirrors |\n|---|---|---|---|---|---|---|---|\n");
        for (String shape : List.of("upcall0", "upcall1", "upcall3")) {
            Double c = floor.get(shape);
            String name = UPCALLS.stream().filter(r -> r.floor.equals(shape)).findFirst().map(Row::shape).orElse(shape);
            if (c != null) md.append("| ").append(name).append(" | plain C: a C callback | same | ").append(ns(c)).append(" | | | 1.0× | |\n");
            for (Row r : UPCALLS) if (r.floor.equals(shape) && !r.pitfall && !r.bench.endsWith("juvDispatch")) row(md, r, true);
        }
        md.append("\nPitfalls (the naive JNI forms; not baselines):\n\n");
        md.append("| arguments | via | thread | ns/call | ± error | B/op | × C | |\n|---|---|---|---|---|---|---|---|\n");
        for (Row r : UPCALLS) if (r.pitfall) row(md, r, true);
        md.append("\n## juv's dispatch on top of a bare stub\n\n| | ns/call | ± error | B/op |\n|---|---|---|---|\n");
        Score juv = scores.get("UpcallBench.juvDispatch"), bare = scores.get("UpcallBench.ffmStub");
        if (juv != null) md.append("| libuv timer callback through juv's uv_timer_cb stub to the user's Runnable | ").append(ns(juv.mean))
                .append(" | ").append(ns(juv.error)).append(" | ").append(bytes(juv.bytesPerOp)).append(" |\n");
        if (bare != null) md.append("| bare FFM stub, same signature (void (*)(void *)) | ").append(ns(bare.mean))
                .append(" | ").append(ns(bare.error)).append(" | ").append(bytes(bare.bytesPerOp)).append(" |\n");
        if (juv != null && bare != null) md.append("| juv's own share (the difference) | ").append(ns(juv.mean - bare.mean)).append(" | | |\n");
        md.append("\n## Cold: the first calls, before the JIT (fresh JVMs)\n\n");
        md.append("| what | link: handle or stub made (µs) | first call (µs) | calls 2–1,001, mean (ns) | steady state, JMH (ns) | samples |\n");
        md.append("|---|---|---|---|---|---|\n");
        coldRow(md, "downcall, no arguments: FFM", "downcall-ffm", "DowncallBench.emptyFfm");
        coldRow(md, "downcall, no arguments: FFM critical", "downcall-ffm-critical", "DowncallBench.emptyFfmCritical");
        coldRow(md, "downcall, no arguments: JNI (links at the first call)", "downcall-jni", "DowncallBench.emptyJni");
        coldRow(md, "upcall, 1 pointer, JVM thread: FFM", "upcall-ffm", "UpcallBench.ffmStub");
        coldRow(md, "upcall, 1 pointer, JVM thread: JNI", "upcall-jni", "UpcallBench.jni1");
        md.append("\nFresh native threads (a pthread made by the shim; its first upcall is when the JVM attaches it — ")
                .append("FFM does it itself, the JNI form calls AttachCurrentThread, counted in):\n\n");
        md.append("| what | whole thread, made to joined (µs) | first upcall (µs) | upcalls 2–1,001, mean (ns) | steady state, JMH, kept thread (ns) | samples |\n");
        md.append("|---|---|---|---|---|---|\n");
        coldRow(md, "FFM, the first native thread in a fresh JVM", "thread-ffm first", "UpcallBench.nativeThreadFfm1");
        coldRow(md, "FFM, a later native thread", "thread-ffm later", "UpcallBench.nativeThreadFfm1");
        coldRow(md, "JNI, the first native thread in a fresh JVM", "thread-jni first", "UpcallBench.nativeThreadJni1");
        coldRow(md, "JNI, a later native thread", "thread-jni later", "UpcallBench.nativeThreadJni1");
        return md.toString();
    }

    private void row(StringBuilder md, Row r, boolean upcall) {
        Score s = scores.get(r.bench);
        if (s == null) return;
        md.append("| ").append(r.shape).append(" | ").append(r.via).append(" | ");
        if (upcall) md.append(r.thread).append(" | ");
        md.append(ns(s.mean)).append(" | ").append(ns(s.error)).append(" | ").append(bytes(s.bytesPerOp)).append(" | ")
                .append(times(r, s)).append(" | ").append(r.mirrors.isEmpty() ? "" : r.mirrors).append(" |\n");
    }

    private void coldRow(StringBuilder md, String label, String key, String steady) {
        Cold c = cold.get(key);
        if (c == null) return;
        Score s = scores.get(steady);
        md.append("| ").append(label).append(" | ").append(us(c.linkNs)).append(" | ").append(us(c.firstNs)).append(" | ")
                .append(ns(c.nextNs)).append(" | ").append(s == null ? "" : ns(s.mean)).append(" | ").append(c.samples).append(" |\n");
    }

    /** Hot rows (no pitfall, no copy of the array by design) that allocated: they must be none. */
    List<String> allocating() {
        List<String> out = new ArrayList<>();
        for (Row r : concat(DOWNCALLS, UPCALLS)) {
            Score s = scores.get(r.bench);
            if (s != null && !r.pitfall && s.bytesPerOp >= 0.5) out.add(r.bench + " (" + bytes(s.bytesPerOp) + " B/op)");
        }
        return out;
    }

    private static List<Row> concat(List<Row> a, List<Row> b) {
        List<Row> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private double mean(String bench) {
        Score s = scores.get(bench);
        return s == null ? Double.NaN : s.mean;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# juv FFI report: FFM, JNI and C").append(quick ? " (quick mode: a smoke test, not a measurement)" : "").append("\n\n");
        md.append("Run ").append(when).append(". Produced by `make bench-ffi").append(quick ? " QUICK=1" : "")
                .append("` (also a part of `make bench`). JMH: ").append(settings())
                .append(". ± is JMH's score error (the 99.9 % confidence interval's half-width; n/a with too few iterations). ")
                .append("B/op is `-prof gc`'s gc.alloc.rate.norm. × C is the row's time over plain C's for the same function. ")
                .append("JDK benchmarks named are in [openjdk/jdk test/micro/org/openjdk/bench/java/lang/foreign](").append(JDK_MICRO)
                .append("); their shapes, not their code. The machine's load average is recorded below: on a shared, loaded machine ")
                .append("every figure here is an upper bound and the errors are wide.\n\n");
        md.append("| machine | |\n|---|---|\n");
        machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append('\n').append(tables());
        List<String> alloc = allocating();
        md.append("\n## Allocation on the hot paths\n\n").append(alloc.isEmpty()
                ? "Every row above but the pitfalls allocated 0 B per call (`-prof gc`, below 0.5 B/op).\n"
                : "These rows allocated (they should not): " + String.join(", ", alloc) + ".\n");
        if (quick) md.append("\nIn quick mode the iterations end before C2 has compiled every path, so what the interpreter and C1 ")
                .append("allocate (escape analysis is C2's) shows here: only the full mode's B/op is a verdict.\n");
        md.append("\n## What the numbers mean for choosing between FFM and JNI\n\n");
        md.append(meaning());
        md.append("\n## Upcalls from a thread the JVM did not make\n\n")
                .append("We found no published figure for the cost of an FFM upcall from a native (non-JVM) thread: the JDK's own ")
                .append("Upcalls benchmark calls back on the JMH thread, and neither the panama-dev list's benchmark threads nor the ")
                .append("pull request that settled how such a thread is attached (openjdk/panama-foreign#570, JDK-8270851: attached at ")
                .append("its first upcall, detached when it exits) give one. The `native` rows and the fresh-thread table above are ours: ")
                .append("a pthread made by native/ffi_shim.c ")
                .append("calls the stubs (one kept for the steady state, a fresh one per first call).\n");
        md.append("\n## Files\n\n")
                .append("- `jmh.json`: JMH's own result file for every row (all iterations, forks, the gc profiler's figures)\n")
                .append("- `floor.txt`: native/ffi_floor's output (best of 5 runs per shape)\n")
                .append("- `cold.txt`: every fresh JVM's line from io.juv.jmh.ColdCalls\n")
                .append("- `report.json`: this report's figures; `chart.png`: the chart\n");
        return md.toString();
    }

    /** The paragraph for a user choosing: general facts, with this run's own ratios where they exist. */
    private String meaning() {
        StringBuilder p = new StringBuilder();
        double ffm = mean("DowncallBench.emptyFfm"), crit = mean("DowncallBench.emptyFfmCritical"), jni = mean("DowncallBench.emptyJni");
        double up = mean("UpcallBench.ffmStub"), upJni = mean("UpcallBench.jni1");
        double upNative = mean("UpcallBench.nativeThreadFfm1"), upNativeJni = mean("UpcallBench.nativeThreadJni1");
        p.append(String.format(Locale.ROOT, "In this run an empty downcall took %s ns through FFM, %s ns through a critical FFM handle "
                        + "and %s ns through JNI; a one-pointer upcall %s ns through an FFM stub and %s ns through JNI on a JVM thread, "
                        + "%s and %s ns on a native thread. ", ns(ffm), ns(crit), ns(jni), ns(up), ns(upJni), ns(upNative), ns(upNativeJni)));
        Cold ffmThread = cold.get("thread-ffm later"), ffmLink = cold.get("downcall-ffm"), jniFirst = cold.get("downcall-jni");
        p.append("A plain FFM downcall and a JNI call do the same work at the boundary (the thread goes from Java to native state "
                + "and back, with a safepoint poll on return), so expect them close; FFM needs no C glue and no per-platform "
                + "build of it, and its handle is checked against the function's descriptor. `Linker.Option.critical` skips "
                + "the state change, so it is cheaper, and it is only for short calls that neither block nor call back into "
                + "Java, since the GC waits for them (juv uses it for such libuv calls, e.g. uv_now). `critical(true)` also lets "
                + "a Java array go to C in place, where plain FFM must copy it into native memory first and JNI pins it with "
                + "GetPrimitiveArrayCritical. An FFM upcall stub is bound to one method handle: no method lookup, no variadic "
                + "call through the JNIEnv, typed arguments (in the JDK's own Upcalls benchmark FFM's upcalls are the faster). "
                + "From a thread the JVM did not make, FFM attaches the thread at its first upcall");
        if (ffmThread != null) p.append(String.format(Locale.ROOT, " (%s µs here, for a native thread after the first)", us(ffmThread.firstNs)));
        p.append(" and keeps it attached until it exits, so the steady state is that of any upcall; JNI code gets the same "
                + "only if it attaches once and keeps its JNIEnv: attaching per call is the pitfall row. Cold, FFM's first handle "
                + "is the dear part");
        if (ffmLink != null && jniFirst != null) p.append(String.format(Locale.ROOT, " (here %s µs to make, against %s µs for JNI's "
                + "first call, which only binds the symbol)", us(ffmLink.linkNs), us(jniFirst.firstNs)));
        p.append(": the first in a JVM builds the linker's machinery, once. A program that makes a few calls at start-up pays "
                + "for that; a program with a hot path gets critical downcalls and upcalls that the rows above price against "
                + "JNI's and C's.\n");
        return p.toString();
    }

    Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("when", when);
        root.put("quick", quick);
        root.put("settings", settings());
        root.put("machine", machine);
        Map<String, Object> jmh = new LinkedHashMap<>();
        scores.forEach((k, s) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ns", s.mean);
            m.put("error", s.error);
            m.put("bytes_per_op", s.bytesPerOp);
            jmh.put(k, m);
        });
        root.put("jmh", jmh);
        root.put("c_floor_ns", floor);
        Map<String, Object> c = new LinkedHashMap<>();
        cold.forEach((k, v) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("link_or_thread_ns", v.linkNs);
            m.put("first_ns", v.firstNs);
            m.put("next_ns", v.nextNs);
            m.put("samples", v.samples);
            c.put(k, m);
        });
        root.put("cold", c);
        root.put("allocating_hot_paths", allocating());
        return root;
    }

    private void chart(Path png) throws IOException {
        List<Bars.Panel> panels = new ArrayList<>();
        // The array's sum is work of its own: it gets its own scale, so the bare calls stay readable.
        for (List<String> shapes : List.of(List.of("empty", "args6", "ptr_len", "pair_by_value"), List.of("sum_ints_100"))) {
            List<Bars.Bar> down = new ArrayList<>();
            for (String shape : shapes) {
                Double c = floor.get(shape);
                String name = shortShape(shape);
                if (c != null) down.add(new Bars.Bar(name + ": C", c, Double.NaN, ns(c) + " ns", Bars.C));
                for (Row r : DOWNCALLS) if (r.floor.equals(shape)) bar(down, name + ": " + shortVia(r.via), r);
            }
            panels.add(new Bars.Panel(shapes.size() == 1 ? "downcall with a Java int[100] summed in C, ns per call (less is better)"
                    : "downcalls, ns per call (less is better)", down));
        }
        for (String thread : List.of("JVM", "native")) {
            List<Bars.Bar> up = new ArrayList<>();
            for (String shape : List.of("upcall0", "upcall1", "upcall3")) {
                Double c = floor.get(shape);
                String name = shape.substring(6) + (shape.endsWith("1") ? " arg" : " args");
                if (c != null) up.add(new Bars.Bar(name + ": C", c, Double.NaN, ns(c) + " ns", Bars.C));
                for (Row r : UPCALLS) {
                    if (r.floor.equals(shape) && r.thread.equals(thread) && !r.pitfall) bar(up, name + ": " + shortVia(r.via), r);
                }
            }
            panels.add(new Bars.Panel("upcalls from a " + thread + " thread, ns per call (less is better; pitfalls in the report)", up));
        }
        List<Bars.Bar> first = new ArrayList<>();
        String[][] colds = {{"downcall-ffm", "downcall FFM"}, {"downcall-ffm-critical", "downcall FFM critical"}, {"downcall-jni", "downcall JNI"},
                {"upcall-ffm", "upcall FFM"}, {"upcall-jni", "upcall JNI"}, {"thread-ffm later", "upcall FFM, new native thread"},
                {"thread-jni later", "upcall JNI, new native thread"}};
        for (String[] k : colds) {
            Cold c = cold.get(k[0]);
            if (c != null) first.add(new Bars.Bar(k[1], c.firstNs / 1000, Double.NaN, us(c.firstNs) + " µs",
                    k[1].contains("JNI") ? Bars.JNI : Bars.JUV));
        }
        panels.add(new Bars.Panel("the first call in a fresh JVM or thread, µs (less is better)", first));
        Bars.draw(png, "juv FFI: FFM, JNI and C" + (quick ? " (quick mode: a smoke test)" : ""), List.of(
                machine.get("os") + " · " + machine.get("cpu") + " · " + machine.get("cores") + " cores · " + machine.get("jdk"),
                when + " · bars: means, whiskers: JMH's score error · load average " + machine.get("load average at start"),
                quick ? "JMH: 1 fork, 1 + 3 iterations of 50 ms (quick mode: a smoke test, not a measurement)"
                        : "JMH: 3 forks, 5 + 10 iterations of 500 ms, -prof gc · cold: medians over fresh JVMs"), panels, 260);
    }

    private void bar(List<Bars.Bar> bars, String label, Row r) {
        Score s = scores.get(r.bench);
        if (s == null) return;
        java.awt.Color color = r.via.startsWith("JNI") ? Bars.JNI : r.via.contains("critical") ? Bars.CRITICAL : Bars.JUV;
        bars.add(new Bars.Bar(label, s.mean, s.error, ns(s.mean) + " ns", color));
    }

    private static String shortShape(String floorShape) {
        return switch (floorShape) {
            case "empty" -> "no args";
            case "args6" -> "6 longs";
            case "ptr_len" -> "ptr + len";
            case "pair_by_value" -> "struct by value";
            case "sum_ints_100" -> "int[100]";
            default -> floorShape;
        };
    }

    private static String shortVia(String via) {
        if (via.startsWith("juv")) return "juv's dispatch";
        if (via.startsWith("JNI")) return "JNI";
        if (via.startsWith("FFM critical")) return "FFM critical";
        if (via.startsWith("FFM (copied")) return "FFM, copied";
        return "FFM";
    }
}
