package io.juv.reliability;

import io.juv.reliability.GateRun.Load;
import io.juv.reliability.GateRun.Rendezvous;
import io.juv.reliability.GateRun.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import io.juv.net.TlsCerts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, item 1: the leak gate over every kind of handle. Each test runs many short cycles
 * (connect, write, read back, close over TCP, pipes and TLS; timers; spawn and exit; a file's
 * open, write, read, stat, close, unlink) with at most {@value #IN_FLIGHT} under way, after a
 * warm-up, and asserts that handles, pending requests, key-table entries, native bytes and the
 * process's open fds are back to the baseline, then that the loop closes with uv_loop_close 0.
 *
 * <p>The quick tests (a few thousand cycles, about 10 s together) run in every {@code make test};
 * the full counts are {@link Reliability} ({@code make reliability}), each a system property. Times
 * measured on this 2-core VM while other builds ran on it (load average 20 to 30), on libuv 1.44 and 1.50:
 * <ul>
 * <li>{@code juv.leak.tcp}: 100,000 (the count): 29 s to 35 s;
 * <li>{@code juv.leak.pipes}: 100,000: 9 s to 10 s;
 * <li>{@code juv.leak.tls}: 10,000 by default (a handshake on each side, TLS 1.3; one client
 *     SSLContext for all, so the JDK may resume sessions: not measured which did); the issue's
 *     100,000 ran in 497 s (201 cycles/s, load average 10), gate exact, with
 *     {@code -Djuv.leak.tls=100000 -Djunit.jupiter.execution.timeout.mode=disabled}. One earlier
 *     run of them, beside an ASan suite that starved it to 58 cycles/s, failed at cycle 39,389:
 *     56 handshakes (64 run at once) timed out (10 s) together; not seen since;
 * <li>{@code juv.leak.timers}: 100,000: under 2 s;
 * <li>{@code juv.leak.processes}: 1,000 by default (8 at once): 30 s to 38 s; 10,000 take 5 to 6 minutes;
 * <li>{@code juv.leak.fs}: 10,000 operations (six a cycle): under 0.5 s;
 * <li>{@code juv.leak.two-loops}: 10,000 TCP cycles on each of two loops with 2,000 file cycles
 *     beside them: about 6 s.
 * </ul>
 */
class LeakGateTest {

    static final int IN_FLIGHT = 64;
    private static final int WARM_UP = 200;
    private static final int PAYLOAD = 256;

    @TempDir
    Path dir;

    /** The TLS certificates take a dozen keytool runs, seconds on a busy machine: made before any test's clock starts. */
    @BeforeAll
    @Timeout(300)
    static void makeCertificates() {
        TlsCerts.get();
    }

    private static Result gate(String test, Duration limit, List<Load> loads, List<Integer> counts) {
        Result r = new GateRun(loads, WARM_UP, counts, IN_FLIGHT, limit, Rendezvous.NONE).run();
        GateRun.print(test, r);
        return r;
    }

    private static Result gate(String test, Duration limit, Load load, int count) {
        return gate(test, limit, List.of(load), List.of(count));
    }

    private static int fsCycles(int operations) {
        return (operations + Cycles.Files.OPERATIONS_PER_CYCLE - 1) / Cycles.Files.OPERATIONS_PER_CYCLE;
    }

    // ------------------------------------------------------------------ quick: every make test

    @Test
    @Timeout(60)
    void quickTcp() {
        gate("quick", Duration.ofSeconds(50), new Cycles.Tcp(PAYLOAD), 2_000);
    }

    @Test
    @Timeout(60)
    void quickPipes() {
        gate("quick", Duration.ofSeconds(50), new Cycles.Pipes(dir, PAYLOAD), 2_000);
    }

    @Test
    @Timeout(60)
    void quickTls() {
        gate("quick", Duration.ofSeconds(50), new Cycles.Tls(PAYLOAD), 100);
    }

    @Test
    @Timeout(60)
    void quickTimers() {
        gate("quick", Duration.ofSeconds(50), new Cycles.Timers(), 10_000);
    }

    @Test
    @Timeout(60)
    void quickProcesses() {
        gate("quick", Duration.ofSeconds(50), new Cycles.Processes(), 20);
    }

    @Test
    @Timeout(60)
    void quickFiles() {
        gate("quick", Duration.ofSeconds(50), new Cycles.Files(dir, PAYLOAD), fsCycles(2_000));
    }

    @Test
    @Timeout(60)
    void quickTwoLoopsAtOnce() throws Exception {
        twoLoops("quick", 1_000, Duration.ofSeconds(50));
    }

    // ------------------------------------------------------------------ full counts: make reliability

    @Test
    @Reliability
    @Timeout(300)
    void tcp() {
        gate("full", Duration.ofSeconds(290), new Cycles.Tcp(PAYLOAD), GateRun.count("juv.leak.tcp", 100_000));
    }

    @Test
    @Reliability
    @Timeout(300)
    void pipes() {
        gate("full", Duration.ofSeconds(290), new Cycles.Pipes(dir, PAYLOAD), GateRun.count("juv.leak.pipes", 100_000));
    }

    /**
     * The loop's watchdog grows with the count (a second per 20 cycles, at least 590 s): the
     * issue's 100,000 outlast this method's own timeout, so that run also turns JUnit's timeouts
     * off ({@code -Djunit.jupiter.execution.timeout.mode=disabled}); the watchdog still bounds it.
     */
    @Test
    @Reliability
    @Timeout(600)
    void tls() {
        int cycles = GateRun.count("juv.leak.tls", 10_000);
        gate("full", Duration.ofSeconds(Math.max(590, cycles / 20)), new Cycles.Tls(PAYLOAD), cycles);
    }

    @Test
    @Reliability
    @Timeout(120)
    void timers() {
        gate("full", Duration.ofSeconds(110), new Cycles.Timers(), GateRun.count("juv.leak.timers", 100_000));
    }

    @Test
    @Reliability
    @Timeout(300)
    void processes() {
        gate("full", Duration.ofSeconds(290), new Cycles.Processes(), GateRun.count("juv.leak.processes", 1_000));
    }

    @Test
    @Reliability
    @Timeout(120)
    void files() {
        gate("full", Duration.ofSeconds(110), new Cycles.Files(dir, PAYLOAD), fsCycles(GateRun.count("juv.leak.fs", 10_000)));
    }

    @Test
    @Reliability
    @Timeout(300)
    void twoLoopsAtOnce() throws Exception {
        twoLoops("full", GateRun.count("juv.leak.two-loops", 10_000), Duration.ofSeconds(290));
    }

    /**
     * Two loops on two threads, each running TCP and file cycles at once. The fds are one count
     * for the process, so both loops meet before and after each gate and take it while both are quiet.
     */
    private void twoLoops(String test, int tcpCycles, Duration limit) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("gate-loop-", 0).factory());
        try {
            List<Future<Result>> runs = new java.util.ArrayList<>();
            for (int k = 0; k < 2; k++) {
                Path files = dir.resolve("loop" + k);
                java.nio.file.Files.createDirectories(files);
                runs.add(threads.submit(() -> new GateRun(
                        List.of(new Cycles.Tcp(PAYLOAD), new Cycles.Files(files, PAYLOAD)), WARM_UP,
                        List.of(tcpCycles, Math.max(1, tcpCycles / 5)), IN_FLIGHT, limit, Rendezvous.of(barrier)).run()));
            }
            for (int k = 0; k < 2; k++) {
                Result r;
                try {
                    r = runs.get(k).get(limit.toSeconds() + 5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    barrier.reset(); // the other loop must not wait for this one at the next gate
                    if (e.getCause() instanceof Error err) throw err;
                    throw e;
                }
                GateRun.print(test + " two loops, loop " + k, r);
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
