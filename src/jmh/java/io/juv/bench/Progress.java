package io.juv.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The progress of a long run (make bench's harness, bench-ffi), one line per step as it starts:
 * what runs now, which step of its part, how far the run is, and about how long is left. Not a
 * spinner: the lines read the same in a log file.
 *
 * <p>The time left is each unfinished step's expected length, summed: the mean of the finished
 * steps of its part where some have run (measured), else the plan's guess for that part. So the
 * estimate sharpens as each part gets going; on a loaded machine it is only a guide. The parts'
 * steps may come in any order, interleaved (the harness runs keep-alive, connection per request
 * and held connections in turn for each server and round), since each part keeps its own pace.
 *
 * <pre>[bench-ffi] JMH 5/36: DowncallBench.args6Ffm · 12 % · about 13 min left</pre>
 */
final class Progress {

    /** A part of the run: its name, its steps, and the seconds a step is planned to take. */
    record Part(String name, int steps, double plannedSeconds) {}

    private final String tool;
    private final List<Part> parts;
    private final PrintStream out;
    private final long startNs = System.nanoTime();
    /** Per part: steps started, steps finished, and the seconds the finished ones took. */
    private final int[] started;
    private final int[] finished;
    private final double[] spentSeconds;
    /** The part whose step is under way (-1: none), and when that step started. */
    private int current = -1;
    private long currentStartNs;

    Progress(String tool, List<Part> parts, PrintStream out) {
        this.tool = tool;
        this.parts = List.copyOf(parts);
        this.out = out;
        this.started = new int[parts.size()];
        this.finished = new int[parts.size()];
        this.spentSeconds = new double[parts.size()];
    }

    /** Prints the plan: each part with steps, its steps, and how long the whole run should take. */
    void plan() {
        List<String> each = new ArrayList<>();
        for (Part p : parts) {
            if (p.steps > 0) each.add(p.name + " (" + p.steps + (p.steps == 1 ? " step" : " steps") + ", " + duration(p.steps * p.plannedSeconds) + ")");
        }
        out.println(prefix() + String.join("; ", each) + ": about " + duration(secondsLeft()) + " in all");
        out.flush();
    }

    /** The next step of the part named {@code part} starts, doing {@code what} (the step under way, if any, ends). */
    void step(String part, String what) {
        int i = indexOf(part);
        finish();
        current = i;
        currentStartNs = System.nanoTime();
        started[i]++;
        Part p = parts.get(i);
        double elapsed = (currentStartNs - startNs) / 1e9, left = secondsLeft();
        int percent = elapsed + left <= 0 ? 0 : (int) Math.min(99, 100 * elapsed / (elapsed + left));
        out.println(prefix() + p.name + " " + started[i] + "/" + Math.max(p.steps, started[i]) + ": " + what
                + " · " + percent + " % · about " + duration(left) + " left");
        out.flush();
    }

    /** The step under way, if any, is over: its time counts toward its part's pace. */
    void finish() {
        if (current < 0) return;
        finished[current]++;
        spentSeconds[current] += (System.nanoTime() - currentStartNs) / 1e9;
        current = -1;
    }

    /** The run is over: how long it took. */
    void done() {
        finish();
        out.println(prefix() + "done in " + duration((System.nanoTime() - startNs) / 1e9));
        out.flush();
    }

    /** Expected seconds of the steps not finished yet (the one under way included, from its start). */
    double secondsLeft() {
        double left = 0;
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            int remaining = p.steps - finished[i];
            if (remaining <= 0) continue;
            double perStep = finished[i] > 0 ? spentSeconds[i] / finished[i] : p.plannedSeconds;
            left += perStep * remaining;
        }
        return left;
    }

    private int indexOf(String part) {
        for (int i = 0; i < parts.size(); i++) if (parts.get(i).name.equals(part)) return i;
        throw new IllegalArgumentException("no part " + part + " in " + parts);
    }

    private String prefix() {
        return "[" + tool + "] ";
    }

    /** "40 s", "13 min", "1 h 05 min": as precise as an estimate deserves. */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 90) return s + " s";
        long min = Math.round(seconds / 60);
        if (min < 60) return min + " min";
        return String.format(Locale.ROOT, "%d h %02d min", min / 60, min % 60);
    }

    /**
     * JMH's own output, with a step of {@code part} at each benchmark's start: JMH prints its own
     * "Run progress" for its part; this adds where the whole run is.
     */
    OutputFormat jmh(String part, OutputFormat jmhOutput) {
        return new OutputFormat() {
            @Override public void startBenchmark(BenchmarkParams params) {
                String b = params.getBenchmark();
                step(part, b.substring(b.lastIndexOf('.', b.lastIndexOf('.') - 1) + 1));
                jmhOutput.startBenchmark(params);
            }
            @Override public void iteration(BenchmarkParams b, IterationParams p, int i) { jmhOutput.iteration(b, p, i); }
            @Override public void iterationResult(BenchmarkParams b, IterationParams p, int i, IterationResult r) {
                jmhOutput.iterationResult(b, p, i, r);
            }
            @Override public void endBenchmark(BenchmarkResult result) { jmhOutput.endBenchmark(result); }
            @Override public void startRun() { jmhOutput.startRun(); }
            @Override public void endRun(Collection<RunResult> result) { jmhOutput.endRun(result); }
            @Override public void print(String s) { jmhOutput.print(s); }
            @Override public void println(String s) { jmhOutput.println(s); }
            @Override public void flush() { jmhOutput.flush(); }
            @Override public void close() { jmhOutput.close(); }
            @Override public void verbosePrintln(String s) { jmhOutput.verbosePrintln(s); }
            @Override public void write(int b) { jmhOutput.write(b); }
            @Override public void write(byte[] b) throws IOException { jmhOutput.write(b); }
        };
    }
}
