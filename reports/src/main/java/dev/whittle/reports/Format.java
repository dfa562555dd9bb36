package dev.whittle.reports;

import dev.whittle.core.util.HumanUnits;

import java.util.Locale;

/** Number formatting shared by the HTML, Markdown and CSV renderers (always Locale.ROOT). */
final class Format {
    /** What a missing metric shows as. */
    static final String MISSING = "—";

    private Format() {}

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static String bytes(double b) {
        return HumanUnits.bytes(b);
    }

    /** Five decimals, or three significant digits in exponent form below 0.001 (KLD of near-lossless variants). */
    static String small(double v) {
        return v != 0 && Math.abs(v) < 1e-3 ? f("%.2e", v) : f("%.5f", v);
    }

    /** Full precision, no exponent surprises for integers: what CSV and data attributes carry. */
    static String raw(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }
}
