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
}
