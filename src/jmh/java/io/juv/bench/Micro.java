package io.juv.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The small paths: the JMH suite (src/jmh/java/io/juv/jmh) and the C programs it is compared with. */
final class Micro {

    private Micro() {}

    /** JMH benchmark method → the name it has in the report (DowncallBench's and UpcallBench's come from {@link Ffi#micro()}). */
    static final Map<String, String> NAMES = new LinkedHashMap<>();
    static {
        NAMES.put("DowncallBench.emptyFfm", "empty downcall: FFM (ns)");
        NAMES.put("DowncallBench.emptyFfmCritical", "empty downcall: FFM critical (ns)");
        NAMES.put("DowncallBench.emptyJni", "empty downcall: JNI (ns)");
        NAMES.put("DowncallBench.uvNowFfm", "uv_now: FFM, plain handle (ns)");
        NAMES.put("DowncallBench.uvNowFfmCritical", "uv_now: FFM critical (ns)");
        NAMES.put("DowncallBench.uvNowJuv", "uv_now: juv's EventLoop.now() (ns)");
        NAMES.put("DowncallBench.uvNowJni", "uv_now: JNI (ns)");
        NAMES.put("UpcallBench.juvDispatch", "upcall: libuv timer callback through juv's dispatch (ns)");
        NAMES.put("UpcallBench.ffmStub", "upcall: bare FFM stub (ns)");
        NAMES.put("UpcallBench.jni0", "upcall: JNI CallStaticVoidMethod (ns)");
        NAMES.put("TimerBench.juvTimers", "timers scheduled and fired: juv (per s)");
        NAMES.put("EchoBench.juvEcho", "TCP echo, 64-byte ping-pong: juv (msgs/s)");
        NAMES.put("EchoBench.juvEchoBulk", "TCP echo, 64 KiB messages: juv (bytes/s)");
        NAMES.put("EchoBench.juvEchoBulkHeap", "TCP echo, 64 KiB messages from a byte[]: juv (bytes/s)");
        NAMES.put("EchoBench.juvPipeEcho", "pipe echo, 64-byte ping-pong: juv (msgs/s)");
        NAMES.put("EchoBench.juvPipeEchoBulk", "pipe echo, 64 KiB messages: juv (bytes/s)");
    }

    /** The JMH forks' flags, and those of the FFI report's fresh JVMs. */
    static String[] jvmArgs() {
        // JMH 1.37 itself still uses sun.misc.Unsafe; allowed, so it does not warn.
        return new String[] {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC",
                "-Djava.library.path=" + Path.of("target", "native").toAbsolutePath()};
    }

    static Map<String, Double> run(boolean quick) throws RunnerException {
        ChainedOptionsBuilder opts = new OptionsBuilder()
                // DowncallBench and UpcallBench run once, for the FFI report (Ffi), which hands their figures back here.
                .include("io\\.juv\\.jmh\\.(?!DowncallBench|UpcallBench).*")
                .forks(1)
                .warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.milliseconds(quick ? 100 : 1000))
                .measurementIterations(quick ? 1 : 5).measurementTime(TimeValue.milliseconds(quick ? 100 : 1000))
                .jvmArgsAppend(jvmArgs());
        Map<String, Double> out = new LinkedHashMap<>();
        for (RunResult r : new Runner(opts.build()).run()) {
            String method = r.getParams().getBenchmark();
            String shortName = method.substring(method.lastIndexOf('.', method.lastIndexOf('.') - 1) + 1);
            out.put(NAMES.getOrDefault(shortName, shortName), r.getPrimaryResult().getScore());
        }
        return out;
    }

    private static final Pattern RATE = Pattern.compile("rate=([0-9.]+)");
    private static final Pattern MSGS = Pattern.compile("msgs_per_s=([0-9.]+)");
    private static final Pattern BYTES = Pattern.compile("bytes_per_s=([0-9.]+)");

    /**
     * The C side of the timer and echo comparisons, run in the same minute as the JMH side; and
     * the echo as two whole programs, C's and juv's ({@link EchoProgram}), each pinned to the
     * server's CPU, taken in turns, the median of each.
     */
    static Map<String, Double> cPrograms(boolean quick) {
        Map<String, Double> out = new LinkedHashMap<>();
        String timers = Proc.tryRun(Proc.pinned(Harness.SERVER_CPU, List.of(Proc.nativeProgram("timer_bench"),
                "--timers", quick ? "100000" : "1000000")));
        put(out, "timers scheduled and fired: C (per s)", RATE, timers);
        echoPrograms(out, "64-byte ping-pong", "64", quick ? 20_000 : 200_000, MSGS, "msgs/s", quick);
        echoPrograms(out, "64 KiB messages", "65536", quick ? 2_000 : 40_000, BYTES, "bytes/s", quick);
        echoPrograms(out, "UDP echo", "udp_echo_bench", UdpEchoProgram.class, "64-byte datagrams", "64",
                quick ? 20_000 : 200_000, MSGS, "msgs/s", quick);
        spawnPrograms(out, quick);
        filePrograms(out, quick);
        return out;
    }

    /** Key of the spawn-rate pair, without its side: "...: C (processes/s)" and "...: juv program, as C's (processes/s)". */
    static final String SPAWN_RATE = "spawn rate, /bin/true, 8 in flight";

    /**
     * native/spawn_bench.c and {@link SpawnProgram}, in turns, each pinned to the server's CPU and
     * bounded by time (2 s measured in quick mode, 5 s otherwise), the median of each.
     */
    private static void spawnPrograms(Map<String, Double> out, boolean quick) {
        List<String> window = List.of("--inflight", "8", "--warmup", quick ? "0.5" : "1", "--seconds", quick ? "2" : "5");
        List<String> cCommand = new ArrayList<>(List.of(Proc.nativeProgram("spawn_bench")));
        cCommand.addAll(window);
        List<String> java = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
        String libuv = System.getProperty("juv.libuv.path");
        if (libuv != null) java.add("-Djuv.libuv.path=" + libuv);
        java.addAll(List.of("-cp", System.getProperty("java.class.path"), SpawnProgram.class.getName()));
        java.addAll(window);
        List<Double> c = new ArrayList<>();
        List<Double> juv = new ArrayList<>();
        for (int turn = 0; turn < (quick ? 1 : 3); turn++) {
            add(c, RATE, Proc.tryRun(Proc.pinned(Harness.SERVER_CPU, cCommand)));
            add(juv, RATE, Proc.tryRun(Proc.pinned(Harness.SERVER_CPU, java)));
        }
        if (!c.isEmpty()) out.put(SPAWN_RATE + ": C (processes/s)", median(c));
        if (!juv.isEmpty()) out.put(SPAWN_RATE + ": juv program, as C's (processes/s)", median(juv));
    }

    static final String FILE_READS = "file reads, 1 MiB blocks, 4 in flight";
    static final String FILE_STATS = "file stats, 4 in flight";
    private static final Pattern OPS = Pattern.compile("ops_per_s=([0-9.]+)");

    /**
     * File operations on libuv's thread pool: native/fs_bench.c, juv's {@link FsProgram} (in-place
     * buffers, and heap buffers through juv's copy) and java.nio.file on virtual threads
     * ({@link NioFsProgram}) at the same concurrency, in turns, the median of each. The file
     * (256 MiB, 64 in quick mode) is made in /tmp and read once first, so every side reads the page
     * cache: the path is measured, not the disk; it is deleted at the end. Nothing is pinned: the
     * work runs on the pool's threads (or the carriers'), wherever the system puts them.
     */
    private static void filePrograms(Map<String, Double> out, boolean quick) {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "juv-fs-bench-" + ProcessHandle.current().pid() + ".dat");
        try {
            byte[] block = new byte[1 << 20];
            new java.util.Random(1).nextBytes(block);
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                for (int i = 0; i < (quick ? 64 : 256); i++) ch.write(java.nio.ByteBuffer.wrap(block));
            }
            java.nio.file.Files.readAllBytes(file); // into the page cache before any side runs
        } catch (java.io.IOException | OutOfMemoryError e) {
            System.out.println("file benchmark skipped: " + e);
            return;
        }
        try {
            String seconds = quick ? "2" : "5", warmup = quick ? "1" : "2";
            List<String> common = List.of("--file", file.toString(), "--in-flight", "4", "--seconds", seconds, "--warmup", warmup);
            List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
            String libuv = System.getProperty("juv.libuv.path");
            if (libuv != null) java.add("-Djuv.libuv.path=" + libuv);
            java.addAll(List.of("-cp", System.getProperty("java.class.path")));
            for (String mode : List.of("read", "stat")) {
                boolean read = mode.equals("read");
                Map<String, List<String>> sides = new LinkedHashMap<>();
                sides.put("C", concat(List.of(Proc.nativeProgram("fs_bench"), "--mode", mode), common));
                sides.put("juv program, as C's", concat(java, List.of(FsProgram.class.getName(), "--mode", mode), common));
                if (read) sides.put("juv program, heap buffers (copied)",
                        concat(java, List.of(FsProgram.class.getName(), "--mode", mode, "--heap"), common));
                sides.put("java.nio on virtual threads", concat(java, List.of(NioFsProgram.class.getName(), "--mode", mode), common));
                Map<String, List<Double>> results = new LinkedHashMap<>();
                for (int turn = 0; turn < (quick ? 1 : 3); turn++) {
                    sides.forEach((side, command) -> add(results.computeIfAbsent(side, k -> new ArrayList<>()),
                            read ? BYTES : OPS, Proc.tryRun(command)));
                }
                results.forEach((side, xs) -> {
                    if (!xs.isEmpty()) out.put((read ? FILE_READS : FILE_STATS) + ": " + side + (read ? " (bytes/s)" : " (ops/s)"), median(xs));
                });
            }
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(file);
            } catch (java.io.IOException ignored) {
                // /tmp is cleaned by the system
            }
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) all.addAll(p);
        return all;
    }

    private static void echoPrograms(Map<String, Double> out, String what, String size, int messages,
                                     Pattern metric, String unit, boolean quick) {
        echoPrograms(out, "TCP echo", "echo_bench", EchoProgram.class, what, size, messages, metric, unit, quick);
    }

    /** One C program and juv's program of the same structure, in turns: "LABEL, WHAT: C (UNIT)" and "...: juv program, as C's (UNIT)". */
    private static void echoPrograms(Map<String, Double> out, String label, String cProgram, Class<?> juvProgram,
                                     String what, String size, int messages, Pattern metric, String unit, boolean quick) {
        List<Double> c = new ArrayList<>();
        List<Double> juv = new ArrayList<>();
        String n = Integer.toString(messages);
        List<String> java = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
        String libuv = System.getProperty("juv.libuv.path");
        if (libuv != null) java.add("-Djuv.libuv.path=" + libuv);
        java.addAll(List.of("-cp", System.getProperty("java.class.path"), juvProgram.getName(),
                "--size", size, "--messages", n, "--warmup", n));
        for (int turn = 0; turn < (quick ? 1 : 5); turn++) {
            add(c, metric, Proc.tryRun(Proc.pinned(Harness.SERVER_CPU, List.of(Proc.nativeProgram(cProgram),
                    "--size", size, "--messages", n))));
            add(juv, metric, Proc.tryRun(Proc.pinned(Harness.SERVER_CPU, java)));
        }
        if (!c.isEmpty()) out.put(label + ", " + what + ": C (" + unit + ")", median(c));
        if (!juv.isEmpty()) out.put(label + ", " + what + ": juv program, as C's (" + unit + ")", median(juv));
    }

    private static void add(List<Double> into, Pattern p, String text) {
        if (text == null) return;
        Matcher m = p.matcher(text);
        if (m.find()) into.add(Double.parseDouble(m.group(1)));
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = xs.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static void put(Map<String, Double> out, String name, Pattern p, String text) {
        if (text == null) return;
        Matcher m = p.matcher(text);
        if (m.find()) out.put(name, Double.parseDouble(m.group(1)));
    }
}
