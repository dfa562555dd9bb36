package dev.whittle.eval;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PercentilesTest {

    @Test
    void knownValuesOfOneToHundred() {
        double[] xs = new double[100];
        for (int i = 0; i < 100; i++) {
            xs[(i * 37) % 100] = i + 1;   // shuffled 1..100
        }
        Percentiles p = new Percentiles(xs);
        assertEquals(50.5, p.median(), 1e-12);
        assertEquals(90.1, p.quantile(0.90), 1e-12);
        assertEquals(95.05, p.quantile(0.95), 1e-12);
        assertEquals(99.01, p.quantile(0.99), 1e-12);
        assertEquals(1, p.min(), 0);
        assertEquals(100, p.max(), 0);
        assertEquals(100, p.quantile(1), 0);
    }

    @Test
    void agreesWithCommonsMathTypeSeven() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        double[] xs = new double[1001];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = r.nextDouble() * r.nextDouble();
        }
        Percentiles p = new Percentiles(xs);
        Percentile reference = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        for (double q : new double[] {0.001, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999}) {
            assertEquals(reference.evaluate(xs, q * 100), p.quantile(q), 1e-15, "q=" + q);
        }
    }

    @Test
    void singleValueAndBadInput() {
        Percentiles one = new Percentiles(new double[] {3.5});
        assertEquals(3.5, one.median(), 0);
        assertEquals(3.5, one.quantile(0.99), 0);
        assertThrows(IllegalArgumentException.class, () -> new Percentiles(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> one.quantile(1.5));
    }
}
