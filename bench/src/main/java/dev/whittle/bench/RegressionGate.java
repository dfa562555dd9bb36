package dev.whittle.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares tokens per second against a baseline run, test by test (matched by test name and thread count), by
 * ratio: a test regresses when {@code current / baseline < 1 − maxRegression}. A test absent from the baseline is
 * reported but does not fail the gate.
 */
public final class RegressionGate {
    public enum Status { OK, REGRESSED, NOT_IN_BASELINE }

    /** @param baselineTs NaN when the test is not in the baseline */
    public record Finding(String test, int threads, double baselineTs, double currentTs, Status status) {
        /** Current over baseline t/s (below 1 is slower); NaN without a baseline. */
        public double ratio() {
            return currentTs / baselineTs;
        }

        public String message(double maxRegression) {
            String id = test + " (" + threads + (threads == 1 ? " thread)" : " threads)");
            return switch (status) {
                case NOT_IN_BASELINE -> String.format(Locale.ROOT, "%s: %.2f t/s, not in the baseline", id, currentTs);
                case OK, REGRESSED -> String.format(Locale.ROOT, "%s: %.2f t/s vs baseline %.2f t/s (%+.1f%%, limit -%.1f%%)%s",
                        id, currentTs, baselineTs, 100 * (ratio() - 1), 100 * maxRegression,
                        status == Status.REGRESSED ? ": regression" : "");
            };
        }
    }

    public record Verdict(List<Finding> findings, double maxRegression) {
        public Verdict {
            findings = List.copyOf(findings);
        }

        public boolean failed() {
            return findings.stream().anyMatch(f -> f.status() == Status.REGRESSED);
        }

        public List<Finding> regressions() {
            return findings.stream().filter(f -> f.status() == Status.REGRESSED).toList();
        }
    }

    private RegressionGate() {}

    /** @param maxRegression tolerated slowdown as a fraction, e.g. 0.05 for 5 % */
    public static Verdict compare(List<BenchJson.Entry> baseline, List<BenchJson.Entry> current, double maxRegression) {
        if (!(maxRegression >= 0 && maxRegression < 1)) {
            throw new IllegalArgumentException("max regression must be in [0 %, 100 %), got " + 100 * maxRegression + " %");
        }
        Map<String, BenchJson.Entry> base = new LinkedHashMap<>();
        for (BenchJson.Entry e : baseline) base.put(key(e), e); // a repeated test: the last one counts
        List<Finding> out = new ArrayList<>();
        for (BenchJson.Entry c : current) {
            BenchJson.Entry b = base.get(key(c));
            if (b == null) {
                out.add(new Finding(c.test(), c.threads(), Double.NaN, c.avgTs(), Status.NOT_IN_BASELINE));
            } else {
                boolean slower = c.avgTs() / b.avgTs() < 1 - maxRegression;
                out.add(new Finding(c.test(), c.threads(), b.avgTs(), c.avgTs(), slower ? Status.REGRESSED : Status.OK));
            }
        }
        return new Verdict(out, maxRegression);
    }

    /**
     * Parses a threshold such as {@code 5%}, {@code 5} (both 5 %) or {@code 2.5%} into a fraction.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static double parseThreshold(String text) {
        String t = text.strip();
        if (t.endsWith("%")) t = t.substring(0, t.length() - 1).strip();
        try {
            double pct = Double.parseDouble(t);
            if (!(pct >= 0 && pct < 100)) throw new NumberFormatException();
            return pct / 100;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("max regression must be a percentage in [0, 100), like 5%, got '" + text + "'");
        }
    }

    private static String key(BenchJson.Entry e) {
        return e.test() + "/t" + e.threads();
    }
}
