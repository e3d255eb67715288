package io.juv.reliability;

import io.juv.EventLoop;
import io.juv.Programs;
import io.juv.Timer;
import io.juv.net.TlsCerts;
import io.juv.reliability.GateRun.Load;
import io.juv.reliability.GateRun.Rendezvous;
import io.juv.reliability.GateRun.Result;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, item 11: the soak. In a JVM of its own (a fixed 256 MB heap touched up front, so that
 * RSS follows native memory rather than the heap's growth), two loops on two threads each run a
 * mixed load without pause: TCP, pipe and TLS echo cycles, UDP echoes, timers, spawned processes
 * and file cycles, a few of each under way. First {@code juv.soak.warmup-seconds} (30) of it as a
 * warm-up (the JIT's code, the TLS caches, the JDK's descriptors), then the leak gate's baseline,
 * then {@code juv.soak.seconds} (60 by default; {@code make soak}: 600) of load. Every second the
 * process's RSS, heap used (MemoryMXBean), the loops' native bytes and the open fds are sampled
 * into {@code target/soak/samples.csv} (seconds from the baseline; negative in the warm-up). A
 * least-squares line is fitted to each series over the last four fifths of the counted load, and
 * its slope must be within the bounds below (the heap's and the RSS's over the lowest sample of each
 * 10 s: the heap's follows a full collection, the live set); each is printed on a line of its own.
 * Any error a handler saw fails the test, and at the end the leak gate of each loop must be back to
 * its baseline and each loop must close clean.
 */
@Reliability
class SoakTest {

    static final int IN_FLIGHT = 4;
    private static final int WARM_UP = 20;
    private static final int PAYLOAD = 1024;
    private static final double MB = 1024 * 1024;

    /**
     * The bounds of the slopes, per minute, over a fit window of {@code w} minutes. RSS moves in
     * steps (the JIT's code, the C library's arenas) in the first minutes: it may drift by 8 MB
     * over the window, at most 1 MB/min for a ten-minute soak (8 minutes fitted), 10 MB/min in
     * the one-minute one. The heap's floor is taken after a full collection every 10 s, so it is
     * the live set: 16 MB/min. Native bytes and fds go up and down with the cycles under way
     * (their exact return is the leak gate's at the end): 64 KB/min, and 24 fds over the window.
     */
    static double rssBoundMb(double w) { return Math.max(1.0, 8 / w); }
    static final double HEAP_BOUND_MB = 16.0;
    static final double NATIVE_BOUND_KB = 64.0;
    static double fdsBound(double w) { return Math.max(2.0, 24 / w); }

    @TempDir
    Path dir;

    /** The TLS certificates take a dozen keytool runs, seconds on a busy machine: made before the test's clock starts. */
    @BeforeAll
    @Timeout(300)
    static void makeCertificates() {
        TlsCerts.get();
    }

    /** One second's figures; {@code seconds} from the start of the counted load (negative during the warm-up). */
    record Sample(double seconds, long rss, long heapUsed, long nativeBytes, long fds) {
        Sample(long nanos, long rss, long heapUsed, long nativeBytes, long fds) {
            this((double) nanos, rss, heapUsed, nativeBytes, fds);
        }

        Sample from(long t0) {
            return new Sample((seconds - t0) / 1e9, rss, heapUsed, nativeBytes, fds);
        }
    }

    /** A slope in units per minute, from an ordinary least-squares fit. */
    static double slopePerMinute(List<Sample> samples, ToDoubleFunction<Sample> y) {
        double n = samples.size(), sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (Sample s : samples) {
            double x = s.seconds() / 60, v = y.applyAsDouble(s);
            sx += x;
            sy += v;
            sxx += x * x;
            sxy += x * v;
        }
        double d = n * sxx - sx * sx;
        return d == 0 ? 0 : (n * sxy - sx * sy) / d;
    }

    /** The loops' native bytes, each published by its loop (stats are read on the loop's thread). */
    private static final class NativeProbe implements Load {
        final AtomicLong nativeBytes = new AtomicLong();
        private Timer timer;

        @Override public String name() { return "probe"; }
        @Override public void open(EventLoop loop) {
            nativeBytes.set(loop.stats().nativeBytes());
            timer = loop.interval(Duration.ofMillis(200), t -> nativeBytes.set(loop.stats().nativeBytes()));
        }
        @Override public void start(EventLoop loop, int i, Runnable done) { throw new AssertionError("the probe runs no cycles"); }
        @Override public void close() { timer.cancel(); }
        @Override public List<String> errors() { return List.of(); }
    }

    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The soak's own JVM: a fixed heap touched up front, so RSS moves with native memory, not with the heap's growth. */
    static final List<String> SOAK_JVM = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:TieredStopAtLevel=4",
            "-XX:NativeMemoryTracking=summary", "-XX:TrimNativeHeapInterval=1000");

    /**
     * The JVM's own account of its native memory (NMT): a baseline when the counted load starts,
     * and at the end what grew since, by category, so RSS growth can be told from the JVM's (the
     * JIT's code and arenas, metaspace, threads) or not (malloc outside the JVM: libuv, the C library).
     */
    static String nativeMemory(String what) {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {what}}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            return "NMT " + what + ": " + e;
        }
    }

    @Test
    @Timeout(3600)
    void mixedLoadOnTwoLoopsStaysFlat() throws Exception {
        int seconds = GateRun.count("juv.soak.seconds", 60);
        List<String> jvm = new ArrayList<>(SOAK_JVM);
        jvm.add(TlsCerts.get().shareWithAnotherJvm());
        jvm.add("-Djuv.soak.seconds=" + seconds);
        jvm.add("-Djuv.soak.warmup-seconds=" + GateRun.count("juv.soak.warmup-seconds", 30));
        Path out = Path.of("target", "soak");
        Files.createDirectories(out);
        ProcessBuilder pb = new ProcessBuilder(Programs.javaCommand(SoakTest.class, jvm, dir.toString()));
        pb.environment().put("MALLOC_ARENA_MAX", "2"); // fewer arenas: RSS steps less as threads come and go
        Process p = pb.redirectErrorStream(true).redirectOutput(out.resolve("soak.log").toFile()).start();
        boolean ended = p.waitFor(GateRun.count("juv.soak.warmup-seconds", 30) + seconds + 300, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly().waitFor();
        String log = Files.readString(out.resolve("soak.log"));
        System.out.print(log);
        assertTrue(ended, "the soak did not end in time");
        assertEquals(0, p.exitValue(), "the soak failed (its output is above, and in target/soak/soak.log)");
        assertTrue(log.contains("[soak] passed"), "the soak did not say it passed");
    }

    /** The soak itself, in a JVM of its own; args[0]: a directory for its files. Exits 1 on any failure. */
    public static void main(String[] args) {
        try {
            soak(GateRun.count("juv.soak.seconds", 60), Path.of(args[0]));
            System.out.println("[soak] passed");
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }

    static void soak(int seconds, Path dir) throws Exception {
        int warmUpSeconds = GateRun.count("juv.soak.warmup-seconds", 30);
        long start = System.nanoTime();
        // The clock starts with the counted load, once both loops have their baseline (after the warm-up).
        AtomicLong counting = new AtomicLong();
        long runNanos = TimeUnit.SECONDS.toNanos(seconds);
        Duration limit = Duration.ofSeconds(warmUpSeconds + seconds + 180);
        List<Sample> samples = new ArrayList<>();
        List<NativeProbe> probes = List.of(new NativeProbe(), new NativeProbe());
        var memory = ManagementFactory.getMemoryMXBean();

        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("soak-sampler").daemon().factory());
        ExecutorService threads = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("soak-loop-", 0).factory());
        List<Throwable> failures = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        try {
            long[] ticks = new long[1];
            sampler.scheduleAtFixedRate(() -> {
                long now = System.nanoTime(), t0 = counting.get();
                if (t0 != 0 && now > t0 + runNanos) return;
                // Every tenth sample follows a full collection: the floor of each 10 s is then the
                // live set, not what young collections promoted since the last old one (which made
                // a one-minute floor climb 20 MB with nothing leaking).
                if (ticks[0]++ % 10 == 0) System.gc();
                Sample s;
                synchronized (LeakGate.class) { // reading /proc opens descriptors: never while a gate counts them
                    s = new Sample(now, rss(),
                            memory.getHeapMemoryUsage().getUsed(),
                            probes.get(0).nativeBytes.get() + probes.get(1).nativeBytes.get(), LeakGate.openFds());
                }
                synchronized (samples) {
                    samples.add(s);
                }
            }, 0, 1, TimeUnit.SECONDS);

            CyclicBarrier barrier = new CyclicBarrier(2);
            List<Future<Result>> runs = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                Path files = Files.createDirectories(dir.resolve("loop" + k));
                Duration gap = Duration.ofMillis(2);
                List<Load> loads = List.of(Cycles.paced(new Cycles.Tcp(PAYLOAD), gap, IN_FLIGHT),
                        Cycles.paced(new Cycles.Pipes(files, PAYLOAD), gap, IN_FLIGHT),
                        Cycles.paced(new Cycles.Datagrams(PAYLOAD), gap, IN_FLIGHT),
                        Cycles.paced(new Cycles.Tls(PAYLOAD), Duration.ofMillis(20), 2),
                        Cycles.paced(new Cycles.Timers(), gap, IN_FLIGHT),
                        // a spawn blocks the loop until the child has exec'd (libuv waits on a pipe): a few a second
                        Cycles.paced(new Cycles.Processes(), Duration.ofMillis(250), 1),
                        Cycles.paced(new Cycles.Files(files, PAYLOAD), gap, IN_FLIGHT),
                        probes.get(k));
                List<Integer> counts = new ArrayList<>();
                for (Load l : loads) counts.add(l instanceof NativeProbe ? 0 : Integer.MAX_VALUE);
                runs.add(threads.submit(() -> new GateRun(loads, WARM_UP, counts, IN_FLIGHT, limit, Rendezvous.of(barrier),
                        () -> System.nanoTime() > counting.get() + runNanos)
                        .warmUpFor(Duration.ofSeconds(warmUpSeconds))
                        .whenCounting(() -> {
                            if (counting.compareAndSet(0, System.nanoTime())) nativeMemory("baseline");
                        }).run()));
            }
            for (Future<Result> run : runs) {
                try {
                    results.add(run.get(limit.toSeconds() + 10, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
        } finally {
            sampler.shutdownNow();
            threads.shutdownNow();
        }

        for (int k = 0; k < results.size(); k++) GateRun.print("soak loop " + k, results.get(k));
        List<Sample> all;
        long t0 = counting.get() != 0 ? counting.get() : start;
        synchronized (samples) {
            all = samples.stream().map(x -> x.from(t0)).toList();
        }
        writeCsv(all);
        double warmUp = seconds * 0.2;
        List<Sample> flat = all.stream().filter(s -> s.seconds() >= warmUp).toList();
        ToDoubleFunction<Sample> rssMb = s -> s.rss() / MB, heapMb = s -> s.heapUsed() / MB;
        double rss = slopePerMinute(floor(flat, 10, rssMb), rssMb);
        double heap = slopePerMinute(floor(flat, 10, heapMb), heapMb);
        double nat = slopePerMinute(flat, s -> s.nativeBytes() / 1024.0);
        double fds = slopePerMinute(flat, s -> s.fds());
        double window = (seconds - warmUp) / 60;
        double rssBound = rssBoundMb(window), fdsBound = fdsBound(window);
        String over = String.format(Locale.ROOT, "over %d samples, %.0f s to %d s", flat.size(), warmUp, seconds);
        List<String> summary = List.of(
                line("rss floor", rss, "MB/min", rssBound, over + " (the lowest of each 10 s)", floor(flat, 10, rssMb), rssMb, "MB"),
                line("heap floor", heap, "MB/min", HEAP_BOUND_MB, over + " (the lowest of each 10 s)", floor(flat, 10, heapMb),
                        heapMb, "MB"),
                line("native bytes", nat, "KB/min", NATIVE_BOUND_KB, over, flat, s -> s.nativeBytes() / 1024.0, "KB"),
                line("fds", fds, "fds/min", fdsBound, over, flat, Sample::fds, "fds"));
        System.out.println("[soak] the JVM's native memory since the baseline (NMT):\n" + nativeMemory("summary.diff"));
        summary.forEach(System.out::println);

        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("a soak loop failed: " + failures.getFirst(), failures.getFirst());
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        assertTrue(flat.size() >= Math.min(10, seconds / 2), "too few samples after the warm-up: " + flat.size());
        assertTrue(rss < rssBound, summary.get(0));
        assertTrue(Math.abs(heap) < HEAP_BOUND_MB, summary.get(1));
        assertTrue(Math.abs(nat) < NATIVE_BOUND_KB, summary.get(2));
        assertTrue(Math.abs(fds) < fdsBound, summary.get(3));
    }

    /**
     * The sample lowest in {@code y} in each window of {@code seconds}, so the line follows what is
     * kept rather than what comes and goes. The heap: what survived the last collection, not the
     * sawtooth of garbage. RSS: not the moments a burst of cycles has the C library's arenas and the
     * heap grown for a second (a one-minute soak once fitted +13.7 MB/min through two such bursts
     * near its end, 365 MB at both ends of the window); a leak raises the floor as much as the peaks.
     */
    static List<Sample> floor(List<Sample> samples, int seconds, ToDoubleFunction<Sample> y) {
        java.util.Map<Long, Sample> lowest = new java.util.TreeMap<>();
        for (Sample s : samples)
            lowest.merge((long) Math.floor(s.seconds() / seconds), s, (a, b) -> y.applyAsDouble(a) <= y.applyAsDouble(b) ? a : b);
        return List.copyOf(lowest.values());
    }

    private static String line(String name, double slope, String unit, double bound, String over, List<Sample> flat,
                               ToDoubleFunction<Sample> y, String valueUnit) {
        double first = flat.isEmpty() ? Double.NaN : y.applyAsDouble(flat.getFirst());
        double last = flat.isEmpty() ? Double.NaN : y.applyAsDouble(flat.getLast());
        return String.format(Locale.ROOT, "[soak] %-12s slope %+9.3f %s (bound %s %.1f) %s; first %.1f, last %.1f %s",
                name, slope, unit, name.equals("rss floor") ? "<" : "|slope| <", bound, over, first, last, valueUnit);
    }

    private static void writeCsv(List<Sample> samples) throws IOException {
        Path out = Path.of("target", "soak", "samples.csv");
        Files.createDirectories(out.getParent());
        List<String> lines = new ArrayList<>();
        lines.add("seconds,rss_bytes,heap_used_bytes,native_bytes,fds");
        for (Sample s : samples)
            lines.add(String.format(Locale.ROOT, "%.3f,%d,%d,%d,%d", s.seconds(), s.rss(), s.heapUsed(), s.nativeBytes(), s.fds()));
        Files.write(out, lines);
        System.out.println("[soak] " + samples.size() + " samples in " + out.toAbsolutePath());
    }
}
