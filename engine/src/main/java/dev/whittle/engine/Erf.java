package dev.whittle.engine;

/** The error function, which java.lang.Math lacks. */
final class Erf {
    private Erf() {}

    /**
     * erf(x) by its Maclaurin series for |x| < 3 and the continued-fraction tail above; accurate to about
     * 1e-15, far past float precision.
     */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 3.0) {
            // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax;
            double sum = ax;
            double x2 = ax * ax;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            r = 2.0 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), Lentz-free backward evaluation
            double f = ax;
            for (int k = 60; k >= 1; k--) f = ax + (k / 2.0) / f;
            r = 1.0 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }
}
