package dev.whittle.eval;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Arrays;
import java.util.Objects;

/**
 * One reported number with its uncertainty and unit, as it appears in a results file:
 * {@code {"value": 12.3, "stderr": 0.1, "ci95": [12.1, 12.5], "unit": "ppl", "n": 143360}}.
 * Absent fields are omitted; {@code estimated} is present (true) only for computed, not measured, values.
 *
 * @param value     the estimate
 * @param stderr    standard error of the estimate, when it has one
 * @param stddev    standard deviation of the samples (timings), when meaningful
 * @param ci95      95 % confidence interval, when it has one
 * @param unit      unit, e.g. {@code ppl}, {@code nats}, {@code tokens/s}, {@code ms}, {@code bytes}
 * @param n         number of samples behind the estimate
 * @param estimated true when computed from a formula rather than measured
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Metric(double value, Double stderr, Double stddev, double[] ci95, String unit, Long n, Boolean estimated) {

    /** A plain value. */
    public static Metric of(double value, String unit) {
        return new Metric(value, null, null, null, unit, null, null);
    }

    /** A mean with its standard error and the normal 95 % interval; NaN errors are left out. */
    public static Metric mean(Estimate e, String unit, long n) {
        boolean hasError = Double.isFinite(e.stderr());
        return new Metric(e.value(), hasError ? e.stderr() : null, null, hasError ? e.ci95() : null, unit, n, null);
    }

    /** A computed (not measured) value. */
    public static Metric estimated(double value, String unit) {
        return new Metric(value, null, null, null, unit, null, true);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metric m && Double.compare(value, m.value) == 0 && Objects.equals(stderr, m.stderr)
                && Objects.equals(stddev, m.stddev) && Arrays.equals(ci95, m.ci95)
                && Objects.equals(unit, m.unit) && Objects.equals(n, m.n)
                && Objects.equals(estimated, m.estimated);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, stderr, stddev, Arrays.hashCode(ci95), unit, n, estimated);
    }
}
