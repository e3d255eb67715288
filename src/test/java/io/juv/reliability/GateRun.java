package io.juv.reliability;

import io.juv.EventLoop;
import io.juv.Loops;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs loads of short cycles on one loop with a leak gate around them: the loads open what they
 * keep (listeners), run a warm-up so that what is made once (loop-internal handles, the JDK's
 * lazily opened descriptors, TLS session caches) exists, take the {@link LeakGate} baseline,
 * run the counted cycles with a bounded number in flight, wait until what the peers close has
 * closed, and take the gate again. Then the loads close, the loop runs out and closes clean.
 */
final class GateRun {

    /** One kind of cycle (connect, write, read, close; a timer; a spawn; a file's life). */
    interface Load {
        String name();

        /** Opens what every cycle shares (a listener); on the loop thread, before the warm-up. */
        default void open(EventLoop loop) {}

        /** Starts cycle {@code i}; it calls {@code done} exactly once when all it opened is closed. */
        void start(EventLoop loop, int i, Runnable done);

        /** True once nothing a finished cycle left to the peer (a server's side of a connection) is open. */
        default boolean settled() {
            return true;
        }

        /** At most this many of its cycles under way at once (processes: fewer than sockets). */
        default int maxInFlight() {
            return Integer.MAX_VALUE;
        }

        /** Closes what {@link #open} opened. */
        default void close() {}

        /** Errors the load saw that it did not provoke. */
        List<String> errors();
    }

    /** What one load did in the counted phase, and how long it took. */
    record Figures(String name, int cycles, Duration elapsed) {
        double perSecond() {
            return cycles / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }

        @Override
        public String toString() {
            return String.format("%s: %,d cycles in %.1f s (%,.0f/s)", name, cycles, elapsed.toNanos() / 1e9, perSecond());
        }
    }

    record Result(LeakGate baseline, LeakGate after, List<Figures> figures) {}

    /** Waits at each gate for another loop doing the same, so fds (one count per process) are taken while both are quiet. */
    interface Rendezvous {
        void await();

        Rendezvous NONE = () -> {};

        static Rendezvous of(CyclicBarrier barrier) {
            return () -> {
                try {
                    barrier.await(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("the other loop did not reach the gate", e);
                }
            };
        }
    }

    private final List<Load> loads;
    private final int warmUp;
    private final List<Integer> counts;
    private final int inFlight;
    private final Duration limit;
    private final Rendezvous rendezvous;
    private final BooleanSupplier stop;

    private Runnable whenCounting = () -> {};
    private Duration warmUpFor;
    private EventLoop loop;
    private LeakGate baseline, after;
    private final List<Figures> figures = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    GateRun(List<Load> loads, int warmUp, List<Integer> counts, int inFlight, Duration limit, Rendezvous rendezvous) {
        this(loads, warmUp, counts, inFlight, limit, rendezvous, () -> false);
    }

    /** {@code stop}: once true, the counted phase starts no more cycles (a soak's end, whatever the counts). */
    GateRun(List<Load> loads, int warmUp, List<Integer> counts, int inFlight, Duration limit, Rendezvous rendezvous,
            BooleanSupplier stop) {
        this.loads = loads;
        this.warmUp = warmUp;
        this.counts = counts;
        this.inFlight = inFlight;
        this.limit = limit;
        this.rendezvous = rendezvous;
        this.stop = stop;
    }

    /** Warms up for this long (every load without pause, as in the counted phase) instead of a count of cycles. */
    GateRun warmUpFor(Duration d) {
        warmUpFor = d;
        return this;
    }

    /** Runs r on the loop thread when the counted phase starts, right after the baseline. */
    GateRun whenCounting(Runnable r) {
        whenCounting = r;
        return this;
    }

    /** Runs on a new loop on this thread; asserts the gate, no error, and a clean close. */
    Result run() {
        EventLoop l = EventLoop.create();
        try {
            Loops.Watchdog[] dog = new Loops.Watchdog[1];
            l.run(started -> {
                loop = started;
                dog[0] = Loops.watchdog(loop, limit);
                for (Load load : loads) load.open(loop);
                phase(warmUp, false, () -> settle(null, 0, () -> {
                    rendezvous.await();
                    baseline = LeakGate.of(loop);
                    rendezvous.await();
                    whenCounting.run();
                    phase(-1, true, () -> settle(baseline, System.nanoTime() + 10_000_000_000L, () -> {
                        rendezvous.await();
                        after = LeakGate.of(loop);
                        rendezvous.await();
                        for (Load load : loads) load.close();
                        dog[0].cancel();
                    }));
                }));
            });
            dog[0].assertNotFired();
            assertTrue(failures.isEmpty(), () -> "failures: " + failures);
            for (Load load : loads)
                assertTrue(load.errors().isEmpty(), () -> load.name() + " errors (" + load.errors().size() + "): "
                        + load.errors().subList(0, Math.min(5, load.errors().size())));
            after.assertBackTo(baseline);
            Loops.assertClean(l);
        } finally {
            Loops.closeClean(l);
        }
        return new Result(baseline, after, figures);
    }

    /** Runs every load's cycles at once (count -1: the counted ones), each with at most inFlight under way, then next. */
    private void phase(int count, boolean counted, Runnable next) {
        int[] running = {loads.size()};
        long warmUpEnd = warmUpFor == null ? 0 : System.nanoTime() + warmUpFor.toNanos();
        BooleanSupplier phaseStop = counted ? stop : warmUpFor == null ? () -> false : () -> System.nanoTime() > warmUpEnd;
        if (!counted && warmUpFor != null) count = Integer.MAX_VALUE;
        for (int k = 0; k < loads.size(); k++) {
            Load load = loads.get(k);
            int n = count >= 0 ? Math.min(count, counts.get(k)) : counts.get(k);
            long t0 = System.nanoTime();
            Driver[] d = new Driver[1];
            d[0] = new Driver(load, n, phaseStop, () -> {
                if (counted) figures.add(new Figures(load.name(), d[0].finished, Duration.ofNanos(System.nanoTime() - t0)));
                if (--running[0] == 0) next.run();
            });
            d[0].start();
        }
    }

    /**
     * Waits (polling every 2 ms) until every load is settled and, with a target, until the loop's
     * own figures are back to it (fds too unless another loop shares the process), then runs next.
     * Without a target it waits for two equal snapshots in a row, so the baseline is a quiet one.
     */
    private void settle(LeakGate target, long deadline, Runnable next) {
        LeakGate[] last = {null};
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            LeakGate now = LeakGate.of(loop);
            boolean quiet = loads.stream().allMatch(Load::settled)
                    && (target == null ? now.equals(last[0]) : sameLoopFigures(now, target)
                        && (rendezvous != Rendezvous.NONE || now.fds() == target.fds()));
            last[0] = now;
            if (quiet || (target != null && System.nanoTime() > deadline)) next.run();
            else loop.delay(Duration.ofMillis(2), check[0]);
        };
        loop.delay(Duration.ofMillis(2), check[0]);
    }

    private static boolean sameLoopFigures(LeakGate a, LeakGate b) {
        return a.handles() == b.handles() && a.requests() == b.requests() && a.tableEntries() == b.tableEntries()
                && a.nativeBytes() == b.nativeBytes();
    }

    /** Keeps up to inFlight cycles of one load under way until n have finished. */
    private final class Driver {
        private final Load load;
        private final int n;
        private final BooleanSupplier stop;
        private final Runnable whenDone;
        private int started, finished;

        Driver(Load load, int n, BooleanSupplier stop, Runnable whenDone) {
            this.load = load;
            this.n = n;
            this.stop = stop;
            this.whenDone = whenDone;
        }

        void start() {
            if (n == 0) {
                whenDone.run();
                return;
            }
            while (started < Math.min(n, Math.min(inFlight, load.maxInFlight()))) launch();
        }

        private void launch() {
            int i = started++;
            boolean[] once = {false};
            try {
                load.start(loop, i, () -> {
                    if (once[0]) {
                        failures.add(load.name() + " cycle " + i + " finished twice");
                        return;
                    }
                    once[0] = true;
                    finished++;
                    if (started < n && !stop.getAsBoolean()) launch();
                    else if (finished == started) whenDone.run();
                });
            } catch (RuntimeException e) {
                failures.add(load.name() + " cycle " + i + " did not start: " + e);
                loop.exit();
            }
        }
    }

    /** Fails with the figure's name when a property is not a positive number. */
    static int count(String property, int byDefault) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) return byDefault;
        try {
            int n = Integer.parseInt(v.strip().replace("_", ""));
            if (n < 0) fail(property + " must not be negative: " + v);
            return n;
        } catch (NumberFormatException e) {
            return fail(property + " is not a number: " + v);
        }
    }

    static void print(String test, Result r) {
        for (Figures f : r.figures()) System.out.println("[leak gate] " + test + " " + f);
        System.out.println("[leak gate] " + test + " baseline " + r.baseline() + ", after " + r.after());
    }
}
