package dev.whittle.quantize;

import dev.whittle.core.intq.IntScheme;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RTN, GPTQ and AWQ onto int4 group 32 / int8 per channel on stories260K, written as compressed-tensors, read back by
 * ModelLoader and run by the engine (perplexity with {@link StoriesQuantizeTest}'s protocol and calibration).
 */
class StoriesIntQuantizeTest {
    @TempDir
    static Path dir;
    static final Map<String, Double> PPL = new HashMap<>();

    @BeforeAll
    static void setUp() {
        StoriesQuantizeTest.setUp();
    }

    @AfterAll
    static void tearDown() {
        StoriesQuantizeTest.tearDown();
    }

    static QuantizeOptions opts(QuantMethod m, IntScheme s, boolean act, boolean duo) {
        var cal = m.calibrated() ? StoriesQuantizeTest.calibration : null;
        return new QuantizeOptions(m, QuantPreset.Q8_0, cal, Gptq.Options.DEFAULT.withActOrder(act), duo, false).withIntScheme(s);
    }

    static synchronized double ppl(String key, QuantizeOptions o) throws Exception {
        Double done = PPL.get(key);
        if (done != null) return done;
        Path out = dir.resolve(key);
        ModelQuantizer.quantize(StoriesQuantizeTest.source, out, o, Progress.NONE);
        try (Model q = ModelLoader.open(out)) {
            double p = StoriesQuantizeTest.ppl(q).ppl();
            System.out.printf(Locale.ROOT, "%-14s PPL %.4f (FP32 %.4f, %+.2f %%)%n", key, p, StoriesQuantizeTest.fp32, 100 * (p / StoriesQuantizeTest.fp32 - 1));
            PPL.put(key, p);
            return p;
        }
    }

    @Test
    void gptqAndAwqBeatRoundToNearestAtInt4Group32() throws Exception {
        IntScheme s = IntScheme.of(4, 32, true);
        double rtn = ppl("rtn4", opts(QuantMethod.RTN, s, false, false));
        double gptq = ppl("gptq4", opts(QuantMethod.GPTQ, s, false, false));
        double gptqAct = ppl("gptq4-act", opts(QuantMethod.GPTQ, s, true, false));
        double awq = ppl("awq4", opts(QuantMethod.AWQ, s, false, false));
        assertTrue(gptq < rtn, "GPTQ " + gptq + " vs RTN " + rtn);
        assertTrue(gptqAct < rtn, "GPTQ act-order " + gptqAct + " vs RTN " + rtn);
        assertTrue(awq < rtn, "AWQ " + awq + " vs RTN " + rtn);
    }

    @Test
    void gptqInt8PerChannelIsWithinAThirdOfAPercentOfFp32() throws Exception {
        double p = ppl("gptq8", opts(QuantMethod.GPTQ, IntScheme.of(8, 0, true), false, false));
        assertTrue(Math.abs(p / StoriesQuantizeTest.fp32 - 1) <= 0.003, "GPTQ int8 " + p + " vs FP32 " + StoriesQuantizeTest.fp32);
    }

    @Test
    void filesDecodeToTheValuesGptqAndAwqComputed() throws Exception {
        for (QuantMethod m : new QuantMethod[] {QuantMethod.GPTQ, QuantMethod.AWQ}) {
            QuantizeOptions o = opts(m, IntScheme.of(4, 32, false), true, false);
            Path out = dir.resolve("roundtrip-" + m);
            ModelQuantizer.quantize(StoriesQuantizeTest.source, out, o, Progress.NONE);
            LayerStream stream = new LayerStream(StoriesQuantizeTest.source, o, c -> DType.F32, c -> c, new java.util.ArrayList<>());
            try (Model q = ModelLoader.open(out)) {
                int checked = 0;
                for (int layer = 0; layer < q.config().numLayers(); layer++) {
                    java.util.List<String> names = new java.util.ArrayList<>(q.tensorNames());
                    names.addAll(q.quantizedWeights().keySet());
                    for (String n : names) {
                        if (!n.startsWith("model.layers." + layer + ".") || !n.endsWith(".weight")) continue;
                        float[] computed = stream.tensor(layer, n).values();
                        // linears are the dequantized grouped ints; norms carry AWQ's folded scales
                        var g = q.quantizedWeights().get(n);
                        float[] read;
                        try (var a = java.lang.foreign.Arena.ofConfined()) {
                            read = g != null ? Dequantizer.toFloatArray(g.dequantize(a)) : Dequantizer.toFloatArray(q.tensor(n));
                        }
                        assertArrayEquals(computed, read, 0f, m + " " + n);
                        checked++;
                    }
                }
                assertTrue(checked >= 9 * q.config().numLayers(), "checked " + checked);
            }
        }
    }
}
