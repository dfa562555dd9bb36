package dev.whittle.eval;

/**
 * Running mean and standard error of a sample from its sums, as llama.cpp accumulates them.
 * Sums are kept in double; with values of order 1–10 and up to ~10^7 samples the cancellation in
 * {@code Σx²/n − mean²} loses at most ~7 of the 16 digits, far below the statistical error.
 */
public final class MeanAccumulator {
    private long count;
    private double sum;
    private double sumSquares;

    public void add(double x) {
        count++;
        sum += x;
        sumSquares += x * x;
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    public double sumSquares() {
        return sumSquares;
    }

    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** Sample standard deviation over √n, i.e. √(population variance / (n − 1)); NaN below two samples. */
    public double standardError() {
        if (count < 2) {
            return Double.NaN;
        }
        double mean = sum / count;
        double populationVariance = Math.max(0, sumSquares / count - mean * mean);
        return Math.sqrt(populationVariance / (count - 1));
    }

    /** Covariance of the two sample means, {@code (E[ab] − E[a]E[b]) / (n − 1)}: llama.cpp's definition. */
    public static double covarianceOfMeans(MeanAccumulator a, MeanAccumulator b, double sumProducts) {
        if (a.count != b.count) {
            throw new IllegalArgumentException("different sample sizes " + a.count + " and " + b.count);
        }
        long n = a.count;
        if (n < 2) {
            return Double.NaN;
        }
        return (sumProducts / n - a.mean() * b.mean()) / (n - 1);
    }
}
