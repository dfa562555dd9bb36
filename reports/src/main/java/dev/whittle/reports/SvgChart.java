package dev.whittle.reports;

import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

import java.awt.geom.Rectangle2D;

/** Draws a chart into an inline {@code <svg>} element (JFreeSVG), scalable through its viewBox. */
final class SvgChart {
    private SvgChart() {}

    /**
     * @param id unique within the page: it names the element and prefixes its clip-path ids, which
     *           would otherwise collide between charts on one page
     */
    static String render(JFreeChart chart, int width, int height, String id) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        g.setDefsKeyPrefix(id + "_");
        chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        return g.getSVGElement(id, false, new ViewBox(0, 0, width, height), null, null);
    }
}
