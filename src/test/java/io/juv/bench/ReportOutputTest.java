package io.juv.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the benchmark reports write besides their Markdown, without running a benchmark: the JSON
 * (Jackson, {@link Json}) read back as written, reports of the hand-written writer before it still
 * read, and the charts (JFreeChart, {@link Bars}) drawn headless into a PNG of the expected size
 * with every bar's colour in it.
 */
class ReportOutputTest {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void jsonReadsBackWhatItWrote() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("when", "2026-12-02T07:00:00Z");
        root.put("quick", true);
        root.put("rounds", 3);
        root.put("text", "a \"quoted\" line\nand a tab\t and \\ and \u0001");
        root.put("nan", Double.NaN);
        root.put("infinite", Double.POSITIVE_INFINITY);
        root.put("values", List.of(1.5, 2e-9, 123456789.0, Double.NaN));
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("ns", 12.25);
        inner.put("bytes_per_op", 0.0);
        root.put("jmh", Map.of("DowncallBench.emptyFfm", inner));
        root.put("none", null);

        String text = Json.write(root);
        assertTrue(text.endsWith("}\n"), text);
        assertFalse(text.contains("NaN") || text.contains("Infinity"), "not JSON: " + text);

        Map<String, Object> back = (Map<String, Object>) Json.parse(text);
        assertEquals(List.copyOf(root.keySet()), List.copyOf(back.keySet()), "the keys, in their order");
        assertEquals(root.get("text"), back.get("text"));
        assertEquals(true, back.get("quick"));
        assertEquals(3.0, Json.number(back.get("rounds")));
        assertNull(back.get("nan"));
        assertTrue(Double.isNaN(Json.number(back.get("nan"))));
        assertTrue(Double.isNaN(Json.number(back.get("infinite"))));
        List<Object> values = (List<Object>) back.get("values");
        assertEquals(1.5, Json.number(values.get(0)));
        assertEquals(2e-9, Json.number(values.get(1)));
        assertEquals(123456789.0, Json.number(values.get(2)));
        assertTrue(Double.isNaN(Json.number(values.get(3))));
        Map<String, Object> ffm = (Map<String, Object>) ((Map<String, Object>) back.get("jmh")).get("DowncallBench.emptyFfm");
        assertEquals(12.25, Json.number(ffm.get("ns")));
        assertTrue(back.containsKey("none"));
        assertNull(back.get("none"));
    }

    /** The hand-written writer's format (two-space indent, lists on one line, Double.toString's exponents): bench-compare reads old reports. */
    @Test
    @SuppressWarnings("unchecked")
    void jsonReadsReportsOfTheWriterBefore() {
        String old = """
                {
                  "when": "2026-11-30T10:00:00+00:00",
                  "quick": false,
                  "machine": {
                    "os": "Linux 6.1",
                    "cores": "2"
                  },
                  "results": [{
                    "scenario": "keep-alive",
                    "server": "juv",
                    "median": 123456.0,
                    "values": [1.2E-5, 3.0, null],
                    "details": [{}]
                  }],
                  "micro": {"empty downcall: FFM (ns)": 7.41, "x": null}
                }
                """;
        Map<String, Object> r = (Map<String, Object>) Json.parse(old);
        assertEquals("2", ((Map<String, Object>) r.get("machine")).get("cores"));
        Map<String, Object> first = (Map<String, Object>) ((List<Object>) r.get("results")).get(0);
        assertEquals(123456.0, Json.number(first.get("median")));
        assertEquals(1.2e-5, Json.number(((List<Object>) first.get("values")).get(0)));
        assertTrue(Double.isNaN(Json.number(((Map<String, Object>) r.get("micro")).get("x"))));
    }

    @Test
    void jsonRefusesWhatIsNotJson() {
        assertThrows(RuntimeException.class, () -> Json.parse("{\"a\": 1} trailing"));
        assertThrows(RuntimeException.class, () -> Json.parse("{\"a\": "));
    }

    @Test
    void chartIsAPngWithEveryBar() throws Exception {
        List<Bars.Bar> down = new ArrayList<>();
        down.add(new Bars.Bar("no args: C", 0.6, Double.NaN, "0.60 ns", Bars.C));
        down.add(new Bars.Bar("no args: FFM", 7.4, 0.3, "7.40 ns", Bars.JUV));
        down.add(new Bars.Bar("no args: FFM critical", 2.1, 9.0, "2.10 ns", Bars.CRITICAL)); // a whisker past the scale
        down.add(new Bars.Bar("no args: JNI", 7.9, 0.2, "7.90 ns", Bars.JNI));
        down.add(new Bars.Bar("not measured", Double.NaN, Double.NaN, "n/a", Bars.OTHER));
        List<Bars.Bar> servers = List.of(
                new Bars.Bar("juv", 180_000, Double.NaN, "180,000 req/s", Bars.JUV),
                new Bars.Bar("C libuv", 200_000, Double.NaN, "200,000 req/s", Bars.C),
                new Bars.Bar("juv", 170_000, Double.NaN, "170,000 req/s (the same label twice)", Bars.OTHER));
        List<Bars.Panel> panels = List.of(new Bars.Panel("downcalls, ns per call (less is better)", down),
                new Bars.Panel("keep-alive: requests/s (more is better)", servers),
                new Bars.Panel("an empty panel", List.of()));
        Path png = dir.resolve("chart.png");
        List<String> subtitle = List.of("Linux · a CPU · 2 cores · JDK 25", "2026-12-02 · a test, not a measurement");
        Bars.draw(png, "juv: a chart test", subtitle, panels, 200);

        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1000, img.getWidth());
        assertEquals(40 + 18 * subtitle.size() + 10 + (80 + 26 * 5) + (80 + 26 * 3) + (80 + 26), img.getHeight());
        for (java.awt.Color c : List.of(Bars.C, Bars.JUV, Bars.CRITICAL, Bars.JNI, Bars.OTHER)) {
            assertTrue(contains(img, c.getRGB()), "a bar in " + Integer.toHexString(c.getRGB()));
        }
        assertEquals(0xffffffff, img.getRGB(2, 2), "a white background");
    }

    private static boolean contains(BufferedImage img, int rgb) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) if (img.getRGB(x, y) == rgb) return true;
        }
        return false;
    }
}
