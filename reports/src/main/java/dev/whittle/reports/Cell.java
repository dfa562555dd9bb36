package dev.whittle.reports;

/**
 * One value of the summary table: the raw number (null when the metric is missing), its spread, and the
 * text shown for it.
 *
 * @param value  the number as stored in the results file, or null
 * @param spread its standard error or standard deviation (shown as ±), or null
 * @param text   formatted value, {@value Format#MISSING} when missing
 */
record Cell(Double value, Double spread, String text) {
    static final Cell MISSING = new Cell(null, null, Format.MISSING);

    static Cell text(String s) {
        return new Cell(null, null, s == null || s.isBlank() ? Format.MISSING : s);
    }

    boolean present() {
        return value != null && Double.isFinite(value);
    }
}
