package io.juv.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress lines of a long run ({@link Progress}): what runs now, how far the run is, the time left. */
class ProgressTest {

    @Test
    void progressSaysWhatRunsHowFarAndTheTimeLeft() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress p = new Progress("tool", List.of(new Progress.Part("JMH", 2, 60), new Progress.Part("cold calls", 3, 1)), out);
        p.plan();
        p.step("JMH", "DowncallBench.emptyFfm");
        p.step("JMH", "DowncallBench.emptyJni");
        p.step("cold calls", "downcall-ffm, fresh JVM 1 of 3");
        p.done();
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertEquals("[tool] JMH (2 steps, 2 min); cold calls (3 steps, 3 s): about 2 min in all", lines.get(0));
        assertTrue(lines.get(1).startsWith("[tool] JMH 1/2: DowncallBench.emptyFfm · 0 % · about 2 min left"), lines.get(1));
        // The first step took next to nothing: the JMH part's pace is measured now, the cold calls' still planned.
        assertTrue(lines.get(2).matches("\\[tool] JMH 2/2: DowncallBench.emptyJni · \\d+ % · about [0-9] s left"), lines.get(2));
        assertTrue(lines.get(3).startsWith("[tool] cold calls 1/3: downcall-ffm, fresh JVM 1 of 3 · "), lines.get(3));
        assertTrue(lines.get(4).matches("\\[tool] done in \\d+ s"), lines.get(4));
        assertEquals("40 s", Progress.duration(40));
        assertEquals("13 min", Progress.duration(13 * 60 + 10));
        assertEquals("1 h 05 min", Progress.duration(65 * 60));
    }

    /** The harness's parts come in turn (keep-alive, then connection per request, then keep-alive again): each keeps its own pace. */
    @Test
    void interleavedPartsEachKeepTheirOwnPace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress p = new Progress("bench", List.of(new Progress.Part("a", 2, 1000), new Progress.Part("b", 2, 1000),
                new Progress.Part("none", 0, 50)), out);
        p.plan();
        p.step("a", "a one");
        p.step("b", "b one");
        p.step("a", "a two");
        p.step("b", "b two");
        p.done();
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("[bench] a (2 steps, 33 min); b (2 steps, 33 min): about 1 h 07 min in all", lines.get(0), "no part of no steps");
        assertTrue(lines.get(1).startsWith("[bench] a 1/2: a one · 0 % · about 1 h 07 min left"), lines.get(1));
        // a's first step took next to nothing: its second is expected to as well; b's two are still as planned.
        assertTrue(lines.get(2).startsWith("[bench] b 1/2: b one · 0 % · about 33 min left"), lines.get(2));
        // b's first step, finished as a's second starts, sets b's pace too: not b's plan, though a part came between.
        assertTrue(lines.get(3).matches("\\[bench] a 2/2: a two · \\d+ % · about [0-9] s left"), lines.get(3));
        assertTrue(lines.get(4).matches("\\[bench] b 2/2: b two · \\d+ % · about [0-9] s left"), lines.get(4));
    }
}
