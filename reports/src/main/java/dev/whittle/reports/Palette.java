package dev.whittle.reports;

import java.awt.Color;

/** Colours shared by charts and the HTML page (a colour-blind-friendly set, Okabe–Ito order). */
final class Palette {
    static final Color[] SERIES = {
            new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xCC79A7),
            new Color(0x56B4E9), new Color(0xD55E00), new Color(0xF0E442), new Color(0x999999),
            new Color(0x332288), new Color(0x88CCEE)};
    static final Color FRONTIER = new Color(0xD55E00);
    static final Color DOMINATED = new Color(0x8A94A6);
    static final Color GRID = new Color(0xE3E7ED);
    static final Color TEXT = new Color(0x1F2937);

    private Palette() {}

    static Color series(int i) {
        return SERIES[Math.floorMod(i, SERIES.length)];
    }
}
