package io.juv.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The reports' charts: panels of horizontal bars under a title, each bar with its value and,
 * where it has one, an error whisker (JMH's score error; one past the panel's edge is clipped
 * and left without its cap). Drawn with Java2D, headless, so a
 * benchmark needs no charting library.
 */
final class Bars {

    private Bars() {}

    static final Color JUV = new Color(0x1f77b4);
    static final Color C = new Color(0x7f7f7f);
    static final Color OTHER = new Color(0xbcbd22);
    static final Color JNI = new Color(0xff7f0e);
    static final Color CRITICAL = new Color(0x2ca02c);

    /** One bar; error is NaN where there is none. */
    record Bar(String label, double value, double error, String text, Color color) {}

    record Panel(String title, List<Bar> bars) {}

    static void draw(Path png, String title, List<String> subtitle, List<Panel> panels, int labelWidth) throws IOException {
        int width = 1000;
        int height = 50 + 18 * subtitle.size() + 20;
        for (Panel p : panels) height += panelHeight(p);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, 20, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int y = 52;
        for (String line : subtitle) {
            g.drawString(line, 20, y);
            y += 18;
        }
        y += 30;
        int barsX = 20 + labelWidth, barsWidth = width - barsX - 180;
        for (Panel panel : panels) {
            // Scaled to the bars, not the whiskers: one wide error (a loaded machine) must not flatten the rest.
            boolean whiskers = panel.bars.stream().anyMatch(b -> !Double.isNaN(b.error));
            double max = panel.bars.stream().mapToDouble(Bar::value).filter(v -> !Double.isNaN(v)).max().orElse(1)
                    * (whiskers ? 1.15 : 1);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(panel.title, 20, y);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int by = y + 12;
            for (Bar b : panel.bars) {
                int w = Double.isNaN(b.value) || max <= 0 ? 0 : (int) (barsWidth * b.value / max);
                g.setColor(Color.BLACK);
                g.drawString(b.label, 20, by + 15);
                g.setColor(b.color);
                g.fillRect(barsX, by + 3, w, 18);
                int textX = barsX + w + 10;
                if (!Double.isNaN(b.error) && max > 0) {
                    int lo = barsX + (int) (barsWidth * Math.max(0, b.value - b.error) / max);
                    int hi = Math.min(barsX + barsWidth, barsX + (int) (barsWidth * (b.value + b.error) / max));
                    g.setColor(Color.BLACK);
                    g.setStroke(new BasicStroke(1.5f));
                    g.drawLine(lo, by + 12, hi, by + 12);
                    g.drawLine(lo, by + 7, lo, by + 17);
                    if (hi < barsX + barsWidth) g.drawLine(hi, by + 7, hi, by + 17); // else clipped: no cap
                    textX = Math.max(textX, hi + 10);
                }
                g.setColor(Color.BLACK);
                g.drawString(b.text, textX, by + 17);
                by += 26;
            }
            g.setColor(Color.LIGHT_GRAY);
            g.setStroke(new BasicStroke(1));
            g.drawLine(20, y + panelHeight(panel) - 22, width - 20, y + panelHeight(panel) - 22);
            y += panelHeight(panel);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static int panelHeight(Panel p) {
        return 50 + 26 * Math.max(p.bars.size(), 1);
    }
}
