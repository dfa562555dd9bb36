package dev.whittle.reports;

import java.math.BigDecimal;
import java.math.MathContext;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;

/**
 * Axis tick labels that stay readable over any range: plain decimals to 6 significant digits
 * ({@code 3.73712}, {@code 1250}), exponent form only for tiny magnitudes ({@code 5.1e-07}).
 * JFreeChart's own units switch to {@code 3.737E0}-style labels when the range is narrow.
 */
final class TickFormat extends NumberFormat {
    @Override
    public StringBuffer format(double v, StringBuffer to, FieldPosition pos) {
        if (!Double.isFinite(v)) return to.append(v);
        if (v != 0 && Math.abs(v) < 1e-3) return to.append(String.format(Locale.ROOT, "%.2e", v));
        BigDecimal d = new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros();
        String s = d.toPlainString();
        return to.append(s.equals("-0") ? "0" : s);
    }

    @Override
    public StringBuffer format(long v, StringBuffer to, FieldPosition pos) {
        return to.append(v);
    }

    @Override
    public Number parse(String source, ParsePosition pos) {
        throw new UnsupportedOperationException("tick labels are only formatted");
    }
}
