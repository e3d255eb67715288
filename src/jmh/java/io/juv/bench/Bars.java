package io.juv.bench;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisSpace;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.CategoryItemLabelGenerator;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.statistics.StatisticalCategoryDataset;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The reports' charts: panels of horizontal bars under a title, each bar with its value and,
 * where it has one, an error whisker (JMH's score error; one past the bars' scale is clipped there,
 * without its cap).
 * Each panel is a JFreeChart bar chart with a scale of its own, drawn headless one under the
 * other into one PNG; the first carries the report's title and subtitle lines.
 */
final class Bars {

    private Bars() {}

    static {
        // Drawn into an image: no display is needed or wanted (a benchmark machine has none).
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    static final Color JUV = new Color(0x1f77b4);
    static final Color C = new Color(0x7f7f7f);
    static final Color OTHER = new Color(0xbcbd22);
    static final Color JNI = new Color(0xff7f0e);
    static final Color CRITICAL = new Color(0x2ca02c);

    /** One bar; error is NaN where there is none. */
    record Bar(String label, double value, double error, String text, Color color) {}

    record Panel(String title, List<Bar> bars) {}

    private static final int WIDTH = 1000;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Font PANEL_TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    static void draw(Path png, String title, List<String> subtitle, List<Panel> panels, int labelWidth) throws IOException {
        int header = 40 + 18 * subtitle.size() + 10;
        int height = header;
        for (Panel p : panels) height += panelHeight(p);
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        FontMetrics metrics = g.getFontMetrics(TEXT);
        int y = 0;
        for (int i = 0; i < panels.size(); i++) {
            Panel panel = panels.get(i);
            JFreeChart chart = chart(panel, labelWidth, metrics);
            int h = panelHeight(panel);
            if (i == 0) {
                // The report's title and subtitle lines, above the first panel's own title.
                chart.addSubtitle(0, title(title, TITLE, 10));
                for (int s = 0; s < subtitle.size(); s++) chart.addSubtitle(1 + s, title(subtitle.get(s), TEXT, s == subtitle.size() - 1 ? 12 : 2));
                h += header;
            }
            chart.draw(g, new Rectangle2D.Double(0, y, WIDTH, h));
            y += h;
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static JFreeChart chart(Panel panel, int labelWidth, FontMetrics metrics) {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        double max = 0, textWidth = 0;
        boolean whiskers = false;
        for (int i = 0; i < panel.bars.size(); i++) {
            Bar b = panel.bars.get(i);
            boolean hasValue = !Double.isNaN(b.value);
            // NaN: a bar of nothing, with its text ("n/a"), no whisker; the key keeps same-named bars apart.
            Double mean = hasValue ? b.value : 0.0, error = hasValue && !Double.isNaN(b.error) ? b.error : null;
            data.add(mean, error, "", new Key(i, b.label));
            if (hasValue) max = Math.max(max, b.value);
            whiskers |= hasValue && !Double.isNaN(b.error);
            textWidth = Math.max(textWidth, metrics.stringWidth(b.text));
        }
        // Scaled to the bars, not the whiskers: one wide error (a loaded machine) must not flatten the
        // rest; then room for the values' text to the right of the longest bar.
        double scale = (max > 0 ? max : 1) * (whiskers ? 1.15 : 1);
        double plotWidth = WIDTH - labelWidth - 40;
        double upper = scale * plotWidth / Math.max(plotWidth / 2, plotWidth - textWidth - 20);

        CategoryAxis categories = new CategoryAxis();
        categories.setTickLabelFont(TEXT);
        categories.setMaximumCategoryLabelWidthRatio(0.9f);
        categories.setCategoryMargin(0.25);
        categories.setLowerMargin(0.04);
        categories.setUpperMargin(0.04);
        NumberAxis values = new NumberAxis();
        values.setRange(0, upper);
        values.setTickLabelFont(TEXT);
        values.setTickLabelPaint(Color.GRAY);

        Renderer renderer = new Renderer(panel.bars, scale);
        CategoryPlot plot = new CategoryPlot(data, categories, values, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlineStroke(new BasicStroke(1));
        // The same width for the labels in every panel, so that the bars of all start at one line.
        AxisSpace space = new AxisSpace();
        space.setLeft(labelWidth);
        plot.setFixedDomainAxisSpace(space);

        JFreeChart chart = new JFreeChart(null, TITLE, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(0, 10, 10, 20));
        chart.addSubtitle(title(panel.title, PANEL_TITLE, 4));
        return chart;
    }

    private static TextTitle title(String text, Font font, double below) {
        TextTitle t = new TextTitle(text, font);
        t.setHorizontalAlignment(HorizontalAlignment.LEFT);
        t.setPadding(new RectangleInsets(2, 10, below, 10));
        return t;
    }

    private static int panelHeight(Panel p) {
        return 80 + 26 * Math.max(p.bars.size(), 1);
    }

    /** A bar's place in its panel (its order) and its label (what the axis shows). */
    private record Key(int index, String label) implements Comparable<Key> {
        @Override public int compareTo(Key o) {
            return Integer.compare(index, o.index);
        }

        @Override public String toString() {
            return label;
        }
    }

    /** Each bar in its own colour, its text after the bar or, where it has one, after its whisker. */
    private static final class Renderer extends StatisticalBarRenderer {
        private final List<Bar> bars;
        /** Where the bars' scale ends; past it is room for the text, and a whisker is cut there. */
        private final double scale;

        Renderer(List<Bar> bars, double scale) {
            this.bars = bars;
            this.scale = scale;
            setBarPainter(new StandardBarPainter());
            setShadowVisible(false);
            setDrawBarOutline(false);
            setMaximumBarWidth(0.8);
            setErrorIndicatorPaint(Color.BLACK);
            setErrorIndicatorStroke(new BasicStroke(1.5f));
            setDefaultItemLabelFont(TEXT);
            setDefaultItemLabelPaint(Color.BLACK);
            setDefaultItemLabelsVisible(true);
            setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
            setItemLabelInsets(new RectangleInsets(2, 6, 2, 6));
            setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator() {
                @Override public String generateLabel(CategoryDataset dataset, int row, int column) {
                    return bars.get(column).text;
                }
            });
        }

        @Override
        public Paint getItemPaint(int row, int column) {
            return bars.get(column).color;
        }

        /** The clip outside the bar's drawing, for its text: the whisker is clipped at the scale's end, the text is not. */
        private Shape textClip;

        @Override
        public void drawItem(Graphics2D g2, CategoryItemRendererState state, Rectangle2D dataArea, CategoryPlot plot,
                             CategoryAxis domainAxis, ValueAxis rangeAxis, CategoryDataset data, int row, int column, int pass) {
            textClip = g2.getClip();
            double edge = rangeAxis.valueToJava2D(scale, dataArea, plot.getRangeAxisEdge());
            g2.clip(new Rectangle2D.Double(dataArea.getX(), dataArea.getY(), edge - dataArea.getX(), dataArea.getHeight()));
            try {
                super.drawItem(g2, state, dataArea, plot, domainAxis, rangeAxis, data, row, column, pass);
            } finally {
                g2.setClip(textClip);
            }
        }

        @Override
        protected void drawItemLabel(Graphics2D g2, CategoryDataset data, int row, int column, CategoryPlot plot,
                                     CategoryItemLabelGenerator generator, Rectangle2D bar, boolean negative) {
            Rectangle2D at = bar;
            if (data instanceof StatisticalCategoryDataset s && s.getStdDevValue(row, column) != null) {
                double mean = s.getMeanValue(row, column).doubleValue();
                if (mean > 0) {
                    // The bar is [0, mean] on the axis, so its pixels per unit give where the whisker ends.
                    double perUnit = bar.getWidth() / mean;
                    double end = Math.min(mean + s.getStdDevValue(row, column).doubleValue(), scale);
                    at = new Rectangle2D.Double(bar.getX(), bar.getY(), Math.max(bar.getWidth(), perUnit * end), bar.getHeight());
                }
            }
            Shape barClip = g2.getClip();
            g2.setClip(textClip);
            super.drawItemLabel(g2, data, row, column, plot, generator, at, negative);
            g2.setClip(barClip);
        }
    }
}
