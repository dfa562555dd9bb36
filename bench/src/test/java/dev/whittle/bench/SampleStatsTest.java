package dev.whittle.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SampleStatsTest {
    @Test
    void meanAndSampleStddev() {
        double[] xs = {2, 4, 4, 4, 5, 5, 7, 9};
        assertEquals(5.0, SampleStats.mean(xs), 1e-12);
        // Σ(x − 5)² = 32 over n − 1 = 7 (the population figure would be 2).
        assertEquals(Math.sqrt(32.0 / 7), SampleStats.stddev(xs), 1e-12);
    }

    @Test
    void oneSampleHasNoSpread() {
        assertEquals(0, SampleStats.stddev(new double[] {3}));
        assertEquals(3, SampleStats.mean(new double[] {3}));
    }

    @Test
    void tokensPerSecondAreDerivedPerSample() {
        BenchResult r = new BenchResult(128, 0, 2, new long[] {1_000_000_000L, 800_000_000L}, "2026-01-01T00:00:00Z");
        assertEquals(128, r.samplesTs()[0], 1e-9);
        assertEquals(160, r.samplesTs()[1], 1e-9);
        assertEquals(144, r.avgTs(), 1e-9);
        assertEquals(Math.sqrt(2 * 16.0 * 16.0), r.stddevTs(), 1e-9);
        assertEquals(900_000_000L, r.avgNs());
        assertEquals("pp128", r.name());
        assertEquals("tg32", new BenchResult(0, 32, 1, new long[] {1}, "").name());
        assertEquals("pp4+tg8", new BenchResult(4, 8, 1, new long[] {1}, "").name());
    }
}
