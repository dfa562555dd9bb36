package dev.whittle.reports;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The report's charts as JFreeChart objects; {@link SvgChart} turns them into inline SVG. */
final class Charts {
    private static final Font TITLE = new Font("SansSerif", Font.BOLD, 15);
    private static final Font LABEL = new Font("SansSerif", Font.PLAIN, 12);
    private static final Font TICK = new Font("SansSerif", Font.PLAIN, 11);

    private Charts() {}

    /**
     * Error (y) against size (x), lower-left is better: frontier points in orange joined by a line,
     * dominated points in grey, every point labelled with its variant.
     */
    static JFreeChart qualityVsSize(String title, String yLabel, List<ParetoFrontier.Point> points) {
        List<ParetoFrontier.Point> frontier = ParetoFrontier.of(points);
        XYSeries line = new XYSeries("Pareto frontier", false, true);
        XYSeries onFrontier = new XYSeries("on frontier", false, true);
        XYSeries dominated = new XYSeries("dominated", false, true);
        List<String> onLabels = new ArrayList<>();
        List<String> offLabels = new ArrayList<>();
        for (ParetoFrontier.Point p : frontier) line.add(p.x(), p.y());
        for (ParetoFrontier.Point p : points) {
            if (!Double.isFinite(p.x()) || !Double.isFinite(p.y())) continue;
            if (frontier.contains(p)) {
                onFrontier.add(p.x(), p.y());
                onLabels.add(p.label());
            } else {
                dominated.add(p.x(), p.y());
                offLabels.add(p.label());
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(line);
        data.addSeries(onFrontier);
        data.addSeries(dominated);

        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
        r.setSeriesLinesVisible(0, true);
        r.setSeriesShapesVisible(0, false);
        r.setSeriesPaint(0, Palette.FRONTIER);
        r.setSeriesStroke(0, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f));
        Ellipse2D dot = new Ellipse2D.Double(-5, -5, 10, 10);
        for (int s = 1; s <= 2; s++) {
            r.setSeriesLinesVisible(s, false);
            r.setSeriesShapesVisible(s, true);
            r.setSeriesShape(s, dot);
        }
        r.setSeriesPaint(1, Palette.FRONTIER);
        r.setSeriesPaint(2, Palette.DOMINATED);
        r.setDefaultItemLabelGenerator((dataset, series, item) -> series == 1 ? onLabels.get(item) : series == 2 ? offLabels.get(item) : null);
        r.setDefaultItemLabelsVisible(true);
        r.setSeriesItemLabelsVisible(0, false);
        r.setDefaultItemLabelFont(TICK);
        r.setDefaultItemLabelPaint(Palette.TEXT);
        r.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
        r.setDefaultNegativeItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
        r.setItemLabelAnchorOffset(7);

        NumberAxis x = axis("bits per weight");
        x.setAutoRangeMinimumSize(2.0);   // one point (or one size) still gets a readable axis
        NumberAxis y = axis(yLabel);
        XYPlot plot = new XYPlot(data, x, y, r);
        stylePlot(plot);
        JFreeChart chart = new JFreeChart(null, TITLE, plot, true);
        return finish(chart, title);
    }

    /** Mean tokens/s per variant with ±1 standard deviation error bars. */
    static JFreeChart speedBars(String title, Map<String, double[]> meanAndStddev, Color color) {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        meanAndStddev.forEach((name, ms) -> data.add(ms[0], ms[1], "tokens/s", name));
        StatisticalBarRenderer r = new StatisticalBarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, color);
        r.setErrorIndicatorPaint(Palette.TEXT);
        r.setErrorIndicatorStroke(new BasicStroke(1.5f));
        r.setMaximumBarWidth(0.12);
        r.setItemMargin(0);
        CategoryPlot plot = new CategoryPlot(data, categoryAxis(meanAndStddev.size()), axis("tokens/s (mean ± 1 sd)"), r);
        stylePlot(plot);
        JFreeChart chart = new JFreeChart(null, TITLE, plot, false);
        return finish(chart, title);
    }

    /**
     * Memory per variant stacked by component (weights per dtype, KV cache, runtime), in MiB, drawn
     * horizontally so long variant names stay readable.
     *
     * @param components variant → (component → bytes), components in stacking order
     */
    static JFreeChart memoryStacks(String title, Map<String, Map<String, Double>> components) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<String> keys = new ArrayList<>();
        for (Map<String, Double> parts : components.values()) for (String k : parts.keySet()) if (!keys.contains(k)) keys.add(k);
        // Weights first, then KV cache, then runtime, so the bars read left to right as the model loads.
        keys.sort((a, b) -> Integer.compare(rank(a), rank(b)));
        for (String k : keys) {
            for (Map.Entry<String, Map<String, Double>> v : components.entrySet()) {
                Double bytes = v.getValue().get(k);
                data.addValue(bytes == null ? 0 : bytes / (1024.0 * 1024.0), k, v.getKey());
            }
        }
        StackedBarRenderer r = new StackedBarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setMaximumBarWidth(0.08);
        for (int i = 0; i < keys.size(); i++) {
            String k = keys.get(i);
            r.setSeriesPaint(i, k.equals(MemoryBreakdown.KV_CACHE) ? new Color(0x009E73)
                    : k.equals(MemoryBreakdown.RUNTIME) ? new Color(0xB8C2CF) : Palette.series(i == 0 ? 0 : i + 3));
        }
        CategoryAxis cats = new CategoryAxis();
        cats.setTickLabelFont(TICK);
        cats.setMaximumCategoryLabelWidthRatio(0.35f);
        CategoryPlot plot = new CategoryPlot(data, cats, axis("MiB"), r);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        stylePlot(plot);
        JFreeChart chart = new JFreeChart(null, TITLE, plot, true);
        return finish(chart, title);
    }

    private static int rank(String component) {
        return component.equals(MemoryBreakdown.RUNTIME) ? 2 : component.equals(MemoryBreakdown.KV_CACHE) ? 1 : 0;
    }

    private static CategoryAxis categoryAxis(int categories) {
        CategoryAxis a = new CategoryAxis();
        a.setTickLabelFont(TICK);
        a.setCategoryMargin(0.25);
        if (categories > 5) a.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        return a;
    }

    private static NumberAxis axis(String label) {
        NumberAxis a = new NumberAxis(label);
        a.setLabelFont(LABEL);
        a.setTickLabelFont(TICK);
        a.setLabelPaint(Palette.TEXT);
        a.setTickLabelPaint(Palette.TEXT);
        a.setAutoRangeIncludesZero(false);
        a.setAutoRangeStickyZero(false);
        a.setNumberFormatOverride(new TickFormat());
        return a;
    }

    private static void stylePlot(XYPlot p) {
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(Palette.GRID);
        p.setRangeGridlinePaint(Palette.GRID);
        p.setOutlineVisible(false);
        p.setAxisOffset(RectangleInsets.ZERO_INSETS);
        // Room for the labels of the rightmost points.
        p.getDomainAxis().setUpperMargin(0.18);
        p.getDomainAxis().setLowerMargin(0.06);
        p.getRangeAxis().setUpperMargin(0.1);
        p.getRangeAxis().setLowerMargin(0.1);
    }

    private static void stylePlot(CategoryPlot p) {
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(Palette.GRID);
        p.setOutlineVisible(false);
        p.getRangeAxis().setUpperMargin(0.1);
        ((NumberAxis) p.getRangeAxis()).setAutoRangeIncludesZero(true);
        ((NumberAxis) p.getRangeAxis()).setAutoRangeStickyZero(true);
    }

    private static JFreeChart finish(JFreeChart chart, String title) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setTitle(new TextTitle(title, TITLE));
        chart.getTitle().setPaint(Palette.TEXT);
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(TICK);
            chart.getLegend().setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.setPadding(new RectangleInsets(6, 6, 6, 12));
        return chart;
    }

    static <K, V> Map<K, V> ordered() {
        return new LinkedHashMap<>();
    }
}
