package dev.whittle.cli;

import dev.whittle.core.util.HumanUnits;

/** Human-readable sizes and counts for terminal output (core's {@link HumanUnits}). */
final class Units {
    private Units() {}

    static String bytes(long b) {
        return HumanUnits.bytes(b);
    }

    static String count(long n) {
        return HumanUnits.count(n);
    }
}
