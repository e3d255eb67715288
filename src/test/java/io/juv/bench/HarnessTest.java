package io.juv.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness's command line, and bench-compare's verdict on runs measured alike or not. Nothing is benchmarked. */
class HarnessTest {

    @TempDir
    Path dir;

    private record Outcome(int exit, String out, String err) {}

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Harness.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Outcome(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsTheOptionsAndExitsZero() {
        Outcome o = run("--help");
        assertEquals(0, o.exit());
        for (String option : List.of("--quick", "--rounds", "--servers", "--no-jmh", "--no-tls", "--load", "--clock", "--no-pin", "--compare")) {
            assertTrue(o.out().contains(option), () -> option + " in: " + o.out());
        }
    }

    @Test
    void aBadOptionIsAMessageAndExitTwoWithoutAStackTrace() {
        for (String[] args : List.of(new String[] {"--bogus"}, new String[] {"--rounds", "many"}, new String[] {"--load", "ab"},
                new String[] {"--compare", "only-one.json"})) {
            Outcome o = run(args);
            assertEquals(2, o.exit(), () -> String.join(" ", args) + ": " + o.err());
            assertFalse(o.err().contains("\tat "), () -> "no stack trace: " + o.err());
            assertTrue(o.err().startsWith("bench: ") && o.err().contains("--help"), () -> "one line and a hint, as every tool: " + o.err());
        }
        Outcome rounds = run("--rounds", "0");
        assertEquals(2, rounds.exit());
        assertTrue(rounds.err().contains("--rounds must be at least 1"), rounds.err());
    }

    @Test
    void noCpuTimeSeenIsNotAnInfinitelyFastServer() {
        assertEquals(2_000, Harness.perCpu(1_000, 0.5), 1e-9);
        assertTrue(Double.isNaN(Harness.perCpu(1_000, 0)), "a clock coarser than the step saw nothing");
        assertTrue(Double.isNaN(Harness.perCpu(1_000, Double.NaN)), "a clock that could not tell");
    }

    @Test
    void aStepThatGaveNoFigureIsInTheReportNotLeftOut() throws Exception {
        Harness.Result ka = new Harness.Result("keep-alive 100", "juv", "requests per CPU-second", "req/CPU-s");
        ka.add(100_000, Map.of("errors", 0));
        Map<String, String> failed = Map.of("C libuv, keep-alive 100, round 1", "did not start");
        new Report(Map.of("os", "test"), new Report.Setup("juv", Proc.Clock.PROCESS, Proc.Rss.detect(), "none (--no-pin)", 1),
                true, 1, List.of(ka), Map.of(), failed, Map.of()).write(dir);
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("## Steps that gave no figure"), md);
        assertTrue(md.contains("| C libuv, keep-alive 100, round 1 | did not start |"), md);
        assertEquals(failed, ((Map<?, ?>) Json.parse(Files.readString(dir.resolve("report.json")))).get("failed"));
    }

    @Test
    void compareFlagsRunsOfDifferentLoadToolsOrClocksAtTheTop() throws Exception {
        Path wrk = report("wrk", "proc", "taskset", 100_000);
        Path juv = report("juv", "process", "none", 90_000);
        Path wrkAgain = report("wrk", "proc", "taskset", 110_000);
        Report.Comparison unlike = Report.compare(wrk, juv);
        assertEquals(3, unlike.unlike().size(), unlike.unlike().toString());
        String firstLines = unlike.markdown().lines().limit(4).reduce("", String::concat);
        assertTrue(firstLines.contains("Not like for like"), unlike.markdown());
        assertTrue(firstLines.contains("load tools (A: wrk, B: juv)"), unlike.markdown());
        assertTrue(unlike.markdown().contains("| keep-alive 100 | juv | requests per CPU-second | 100,000 | 90,000 | 0.90 |"), unlike.markdown());

        Report.Comparison alike = Report.compare(wrk, wrkAgain);
        assertEquals(List.of(), alike.unlike());
        assertFalse(alike.markdown().contains("Not like for like"));

        // A report from before the setup was written was measured in wrk mode, with /proc, pinned.
        Path old = dir.resolve("old.json");
        Map<String, Object> root = reportJson("wrk", "proc", "taskset", 100_000);
        root.remove("setup");
        Files.writeString(old, Json.write(root));
        assertEquals(List.of(), Report.compare(old, wrk).unlike());
        assertEquals(3, Report.compare(old, juv).unlike().size());
    }

    private Map<String, Object> reportJson(String load, String clock, String pinning, double median) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", Map.of("os", "test"));
        root.put("setup", Map.of("load", load, "clock", clock, "pinning", pinning, "rss", "proc", "loopback addresses", 4));
        root.put("results", List.of(Map.of("scenario", "keep-alive 100", "server", "juv", "metric", "requests per CPU-second",
                "median", median)));
        root.put("micro", Map.of());
        return root;
    }

    private Path report(String load, String clock, String pinning, double median) throws Exception {
        Path p = dir.resolve(load + "-" + clock + "-" + median + ".json");
        Files.writeString(p, Json.write(reportJson(load, clock, pinning, median)));
        return p;
    }
}
