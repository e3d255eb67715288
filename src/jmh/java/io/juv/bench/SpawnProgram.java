package io.juv.bench;

import io.juv.EventLoop;
import io.juv.examples.Cli;
import io.juv.process.Process;
import io.juv.process.ProcessExit;
import io.juv.process.ProcessOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * native/spawn_bench.c on juv, line for line: /bin/true spawned over and over, {@code --inflight}
 * children at once, each exit spawning the next; exits in the measured window are counted (the
 * warm-up's are not: a JVM needs its JIT), and after the window the loop ends with the last exit.
 * Run as its own process, pinned like the C program. Its fork copies a JVM's page tables where
 * the C program's copies a small process's: that is part of what a Java program pays to spawn,
 * and so part of the measurement. Prints the C program's line: {@code processes=N seconds=T rate=R}.
 *
 * <pre>--inflight K (8)  --warmup S (1)  --seconds S (5)</pre>
 */
public final class SpawnProgram {

    private static final ProcessOptions TRUE = ProcessOptions.of("/bin/true");

    private final EventLoop loop;
    private final long measureStart, measureEnd;
    private long counted, failures;

    private SpawnProgram(EventLoop loop, long measureStart, long measureEnd) {
        this.loop = loop;
        this.measureStart = measureStart;
        this.measureEnd = measureEnd;
    }

    public static void main(String[] args) {
        Cli.runAndExit(new Options(), args);
    }

    @Command(name = "SpawnProgram", description = "native/spawn_bench.c on juv: /bin/true spawned over and over, --inflight at once; "
            + "prints processes=N seconds=T rate=R (C's line).")
    private static final class Options implements Callable<Integer> {
        @Option(names = "--inflight", paramLabel = "K", description = "children at once (default: ${DEFAULT-VALUE})")
        int inflight = 8;
        @Option(names = "--warmup", paramLabel = "S", description = "seconds of exits not counted (default: ${DEFAULT-VALUE})")
        double warmup = 1;
        @Option(names = "--seconds", paramLabel = "S", description = "seconds measured (default: ${DEFAULT-VALUE})")
        double seconds = 5;

        @Override
        public Integer call() {
            if (inflight < 1 || warmup < 0 || !(seconds > 0)) {
                throw Cli.usage("--inflight must be positive, --warmup not negative, --seconds positive");
            }
            return run(inflight, warmup, seconds);
        }
    }

    private static int run(int inflight, double warmup, double seconds) {
        long start = System.nanoTime();
        long measureStart = start + (long) (warmup * 1e9);
        SpawnProgram p;
        try (EventLoop loop = EventLoop.create()) {
            p = new SpawnProgram(loop, measureStart, measureStart + (long) (seconds * 1e9));
            int k = inflight;
            loop.run(l -> {
                for (int i = 0; i < k; i++) p.spawnOne();
            });
        }
        System.out.printf(java.util.Locale.ROOT, "processes=%d seconds=%.3f rate=%.0f%n", p.counted, seconds, p.counted / seconds);
        if (p.failures > 0) {
            System.err.println(p.failures + " children failed");
            return 1;
        }
        return 0;
    }

    private void spawnOne() {
        // No stdio given: the child's 0, 1 and 2 are /dev/null, as in the C program. juv closes the handle after the exit.
        Process.spawn(loop, TRUE, this::exited);
    }

    private void exited(Process process, ProcessExit exit) {
        long now = System.nanoTime();
        if (!exit.isSuccess()) failures++;
        if (now >= measureStart && now < measureEnd) counted++;
        if (now < measureEnd) spawnOne();
    }
}
