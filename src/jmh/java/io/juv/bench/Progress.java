package io.juv.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One line per step of a long benchmark run, on standard error: what runs now, which step of how
 * many, and about how long is left. Not a spinner: the lines read the same in a log file.
 *
 * <p>The time left is each remaining step's expected length, summed: the mean of the steps of its
 * kind that already ran, or the plan's guess for a kind not seen yet (a server start, the warm-up
 * and the measured seconds). So the estimate corrects itself as each kind of step has run once.
 */
final class Progress {

    private record Kind(int planned, double guessSeconds) {}

    private final PrintStream out;
    private final Map<String, Kind> plan = new LinkedHashMap<>();
    private final Map<String, Integer> done = new LinkedHashMap<>();
    private final Map<String, Double> spent = new LinkedHashMap<>();
    private final long start = System.nanoTime();
    private int step;
    private String current;
    private long currentStart;

    Progress(PrintStream out) {
        this.out = out;
    }

    /** Adds {@code count} steps of a kind to the plan, each guessed to take {@code guessSeconds}. */
    Progress plan(String kind, int count, double guessSeconds) {
        if (count > 0) plan.merge(kind, new Kind(count, guessSeconds), (a, b) -> new Kind(a.planned + b.planned, b.guessSeconds));
        return this;
    }

    int total() {
        return plan.values().stream().mapToInt(Kind::planned).sum();
    }

    /** A step of that kind starts (the previous one, if any, ends): prints its line. */
    void step(String kind, String what) {
        finish();
        step++;
        current = kind;
        currentStart = System.nanoTime();
        out.printf(Locale.ROOT, "[bench %d/%d, %s elapsed, ~%s left] %s%n", step, Math.max(step, total()),
                duration(elapsed()), duration(left()), what);
        out.flush();
    }

    /** The step under way is over (its time counts toward its kind's mean). */
    void finish() {
        if (current == null) return;
        done.merge(current, 1, Integer::sum);
        spent.merge(current, (System.nanoTime() - currentStart) / 1e9, Double::sum);
        current = null;
    }

    /** Seconds since the run began. */
    double elapsed() {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Expected seconds for the steps not yet started, the one now starting included. */
    double left() {
        double left = 0;
        for (Map.Entry<String, Kind> e : plan.entrySet()) {
            int ran = done.getOrDefault(e.getKey(), 0);
            int remaining = e.getValue().planned - ran;
            if (remaining <= 0) continue;
            double each = ran > 0 ? spent.get(e.getKey()) / ran : e.getValue().guessSeconds;
            left += remaining * each;
        }
        return left;
    }

    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 60) return s + " s";
        if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
