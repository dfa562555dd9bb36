package dev.whittle.bench;

/** Mean and sample standard deviation, the statistics llama-bench reports. */
public final class SampleStats {
    private SampleStats() {}

    public static double mean(double[] xs) {
        if (xs.length == 0) return 0;
        double s = 0;
        for (double x : xs) s += x;
        return s / xs.length;
    }

    /** Sample (n − 1) standard deviation; 0 for fewer than two samples, as in llama-bench. */
    public static double stddev(double[] xs) {
        if (xs.length < 2) return 0;
        double m = mean(xs);
        double ss = 0;
        for (double x : xs) ss += (x - m) * (x - m);
        return Math.sqrt(ss / (xs.length - 1));
    }
}
