package dev.whittle.core.util;

import java.util.Locale;

/** Sizes and counts as people read them ("1.09 GiB", "1.10B"); one formatting for the CLI, Results tables and reports. */
public final class HumanUnits {
    private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private HumanUnits() {}

    /** Binary units: whole bytes below 1 KiB, else two decimals. */
    public static String bytes(double b) {
        int i = 0;
        while (Math.abs(b) >= 1024 && i < BYTE_UNITS.length - 1) {
            b /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, i == 0 ? "%.0f %s" : "%.2f %s", b, BYTE_UNITS[i]);
    }

    /** Parameter-style counts: 1.10B, 134.52M, 260.0K, 999. */
    public static String count(long n) {
        if (n >= 1_000_000_000L) return String.format(Locale.ROOT, "%.2fB", n / 1e9);
        if (n >= 1_000_000L) return String.format(Locale.ROOT, "%.2fM", n / 1e6);
        if (n >= 1_000L) return String.format(Locale.ROOT, "%.1fK", n / 1e3);
        return Long.toString(n);
    }
}
