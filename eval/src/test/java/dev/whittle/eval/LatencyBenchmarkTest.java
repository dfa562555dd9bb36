package dev.whittle.eval;

import org.junit.jupiter.api.Test;

import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyBenchmarkTest {

    /** A fake clock advancing 1 ms per reading, so every timed interval is exactly 1 ms. */
    private static LongSupplier tickingClock() {
        long[] t = {0};
        return () -> t[0] += 1_000_000;
    }

    @Test
    void countsAndRatesFromADeterministicClock() {
        BigramModel model = BigramModel.random(16, 2f, 1);
        LatencyBenchmark.Config c = new LatencyBenchmark.Config(8, 5, 2, 3, 1, 42);
        LatencyResult r = new LatencyBenchmark(tickingClock()).run(model, c);
        assertEquals(4, model.prefills, "3 repetitions + 1 warm-up");
        assertEquals(4 * 5, model.decodes);
        assertEquals(4, model.resets);
        assertArrayEquals(new double[] {8000, 8000, 8000}, r.prefill().samplesTs(), 1e-9);
        assertEquals(8000, r.prefill().avgTs(), 1e-9);
        assertEquals(0, r.prefill().stddevTs(), 1e-9);
        assertEquals(8, r.prefill().nPrompt());
        assertEquals(0, r.prefill().nGen());
        assertEquals(5, r.decode().nGen());
        assertEquals(1000, r.decode().avgTs(), 1e-9);
        assertEquals(1.0, r.ttftMsAvg(), 1e-12);
        // HdrHistogram at 3 significant digits reports 1 ms within 0.1 %.
        assertEquals(1.0, r.decodeMsP50(), 1e-3);
        assertEquals(1.0, r.decodeMsP99(), 1e-3);
        assertEquals(15L, r.metrics().get("decode_latency_p50").n());
        assertEquals("tokens/s", r.metrics().get("decode_tps").unit());
    }

    @Test
    void standardDeviationOfSamples() {
        assertEquals(Math.sqrt(2.5), LatencyResult.stddev(new double[] {1, 2, 3, 4, 5}), 1e-12);
        assertEquals(0, LatencyResult.stddev(new double[] {7}), 0);
    }

    @Test
    void promptIsSeededAndConfigValidated() {
        assertArrayEquals(LatencyBenchmark.randomPrompt(100, 20, 9), LatencyBenchmark.randomPrompt(100, 20, 9));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new LatencyBenchmark.Config(-3, 1, 2, 5, 0, 0));
        assertTrue(bad.getMessage().endsWith("got prompt -3, gen 1, threads 2, repetitions 5, warm-ups 0"), bad.getMessage());
        BigramModel small = new BigramModel(BigramModel.random(4, 1f, 1).table, false, 0, 10);
        assertThrows(IllegalArgumentException.class,
                () -> new LatencyBenchmark().run(small, new LatencyBenchmark.Config(8, 5, 1, 1, 0, 0)));
    }
}
