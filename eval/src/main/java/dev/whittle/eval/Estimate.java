package dev.whittle.eval;

/** A measured value and its standard error (NaN when it cannot be estimated, e.g. from one sample). */
public record Estimate(double value, double stderr) {

    public static Estimate of(MeanAccumulator acc) {
        return new Estimate(acc.mean(), acc.standardError());
    }

    /** Normal 95 % interval {@code value ± z·stderr}. */
    public double[] ci95() {
        return Confidence.interval95(value, stderr);
    }
}
