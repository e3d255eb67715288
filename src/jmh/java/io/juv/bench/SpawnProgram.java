package io.juv.bench;

import io.juv.EventLoop;
import io.juv.process.Process;
import io.juv.process.ProcessExit;
import io.juv.process.ProcessOptions;

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
        int inflight = 8;
        double warmup = 1, seconds = 5;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--inflight" -> inflight = Integer.parseInt(value);
                case "--warmup" -> warmup = Double.parseDouble(value);
                case "--seconds" -> seconds = Double.parseDouble(value);
                default -> {
                    System.err.println("unknown option " + args[i] + "; options: --inflight K --warmup S --seconds S");
                    System.exit(2);
                }
            }
        }
        if (inflight < 1 || warmup < 0 || !(seconds > 0)) {
            System.err.println("--inflight must be positive, --warmup not negative, --seconds positive");
            System.exit(2);
        }
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
            System.exit(1);
        }
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
