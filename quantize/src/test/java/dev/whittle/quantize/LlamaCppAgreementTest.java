package dev.whittle.quantize;

import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.synth.SyntheticModel;
import dev.whittle.core.tensor.DType;
import dev.whittle.datasets.CalibrationSampler;
import dev.whittle.datasets.CalibrationSet;
import dev.whittle.datasets.CalibrationStyle;
import dev.whittle.datasets.DatasetRegistry;
import dev.whittle.datasets.ResolvedDataset;
import dev.whittle.engine.EngineOptions;
import dev.whittle.engine.InferenceModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The GGUF files whittle writes, loaded by llama.cpp itself: for each file, llama.cpp's next-token logits over a
 * 48-token sequence against whittle's engine running the same file. A file llama.cpp mis-reads (wrong block
 * layout, scale order, Q/K permutation, metadata) gives distributions far apart, KL ≫ 0.01, while the two engines'
 * own arithmetic differences (llama.cpp rounds activations to 8 bits for quantized dot products) stay far below.
 */
class LlamaCppAgreementTest {
    @TempDir
    static Path dir;
    static int[] storyTokens;
    static CalibrationSet storyCalibration;

    @BeforeAll
    static void setUp() {
        String why = LlamaCpp.unavailableReason();
        assumeTrue(why == null, why);
        ResolvedDataset ds = DatasetRegistry.resolve("tinystories-valid", Fixtures.datasets());
        String text = ds.source().wholeText();
        try (Model m = ModelLoader.open(Fixtures.stories260k())) {
            var tok = m.tokenizer().orElseThrow();
            int[] ids = tok.encode(text.substring(0, 2_000));
            storyTokens = new int[48];
            storyTokens[0] = 1;
            System.arraycopy(ids, 0, storyTokens, 1, 47);
            int[] calib = tok.encode(text.substring(300_000, 340_000));
            storyCalibration = CalibrationSampler.sample("tinystories-valid", ds.sha256(), List.of(calib), 8, 128, 7, CalibrationStyle.GPTQ);
        }
    }

    record Agreement(double meanKl, double maxKl, double top1, double maxAbsLogit) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "KL mean %.2e max %.2e, top-1 %.3f, max |Δlogit| %.2e", meanKl, maxKl, top1, maxAbsLogit);
        }
    }

    @Test
    void theReferenceF32FileGivesTheSameLogits() throws Exception {
        // llama.cpp keeps its KV cache in F16 by default, which alone moves logits by ~1e-2 (measured 1.8e-2)
        Agreement a = compare(Fixtures.stories260k(), storyTokens);
        System.out.println("llama.cpp vs whittle, stories260K F32: " + a);
        assertTrue(a.maxAbsLogit() < 5e-2 && a.meanKl() < 1e-5, a.toString());
        assertEquals(1.0, a.top1(), a.toString());
    }

    @Test
    void roundToNearestBlockTypesLoadAndAgree() throws Exception {
        try (Model m = ModelLoader.open(Fixtures.stories260k())) {
            for (QuantPreset p : new QuantPreset[] {QuantPreset.Q8_0, QuantPreset.Q4_0, QuantPreset.Q4_1, QuantPreset.Q5_0, QuantPreset.Q5_1}) {
                Path out = dir.resolve("rtn-" + p + ".gguf");
                ModelQuantizer.quantize(m, out, QuantizeOptions.rtn(p), Progress.NONE);
                assertAgrees(out, storyTokens, p.toString());
            }
        }
    }

    @Test
    void gptqAndAwqFilesLoadAndAgree() throws Exception {
        try (Model m = ModelLoader.open(Fixtures.stories260k())) {
            for (QuantizeOptions o : new QuantizeOptions[] {QuantizeOptions.gptq(QuantPreset.Q4_0, storyCalibration, false),
                    QuantizeOptions.gptq(QuantPreset.Q4_1, storyCalibration, true), QuantizeOptions.awq(QuantPreset.Q4_0, storyCalibration)}) {
                Path out = dir.resolve(o.method() + "-" + o.preset() + ".gguf");
                ModelQuantizer.quantize(m, out, o, Progress.NONE);
                assertAgrees(out, storyTokens, o.method() + " " + o.preset());
            }
        }
    }

    @Test
    void kQuantMixesLoadAndAgree() throws Exception {
        // stories260K's 64-wide rows do not fit 256-element super-blocks, so a synthetic model whose rows do
        Path src = dir.resolve("synth-k.gguf");
        SyntheticModel.writeGguf(SyntheticKQuantTest.CFG, "llama-cpp-k", DType.F32, 5, src);
        Random r = new Random(3);
        int[] tokens = new int[48];
        tokens[0] = 1;
        for (int i = 1; i < tokens.length; i++) tokens[i] = 3 + r.nextInt(SyntheticKQuantTest.CFG.vocabSize() - 3);
        try (Model m = ModelLoader.open(src)) {
            for (QuantizeOptions o : new QuantizeOptions[] {QuantizeOptions.rtn(QuantPreset.Q4_K_S), QuantizeOptions.rtn(QuantPreset.Q5_K_M),
                    QuantizeOptions.rtn(QuantPreset.Q6_K), QuantizeOptions.gptq(QuantPreset.Q4_K_M, SyntheticKQuantTest.randomCalibration(), false)}) {
                Path out = dir.resolve("k-" + o.method() + "-" + o.preset() + ".gguf");
                ModelQuantizer.quantize(m, out, o, Progress.NONE);
                assertAgrees(out, tokens, o.method() + " " + o.preset());
            }
        }
    }

    private static void assertAgrees(Path file, int[] tokens, String what) throws Exception {
        Agreement a = compare(file, tokens);
        System.out.println("llama.cpp vs whittle, " + what + ": " + a);
        assertTrue(a.meanKl() < 2e-3 && a.maxKl() < 2e-2, what + ": " + a);
        assertTrue(a.top1() >= 0.9, what + ": " + a);
    }

    static Agreement compare(Path file, int[] tokens) throws Exception {
        float[][] ref = LlamaCpp.logits(file, tokens);
        assertEquals(tokens.length, ref.length, "llama.cpp positions");
        float[] ours;
        try (Model m = ModelLoader.open(file); InferenceModel e = InferenceModel.load(m, new EngineOptions(2, 256))) {
            ours = e.newSession().prefillAll(tokens);
        }
        int vocab = ours.length / tokens.length;
        double klSum = 0, klMax = 0, maxAbs = 0;
        int agree = 0;
        for (int t = 0; t < tokens.length; t++) {
            float[] a = ref[t];
            float[] b = Arrays.copyOfRange(ours, t * vocab, (t + 1) * vocab);
            assertEquals(vocab, a.length, "vocabulary size");
            double[] p = softmax(a), q = softmax(b);
            double kl = 0;
            for (int i = 0; i < vocab; i++) if (p[i] > 0) kl += p[i] * Math.log(p[i] / Math.max(q[i], 1e-30));
            klSum += kl;
            klMax = Math.max(klMax, kl);
            if (argmax(a) == argmax(b)) agree++;
            for (int i = 0; i < vocab; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
        }
        return new Agreement(klSum / tokens.length, klMax, (double) agree / tokens.length, maxAbs);
    }

    private static double[] softmax(float[] l) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : l) max = Math.max(max, v);
        double[] p = new double[l.length];
        double s = 0;
        for (int i = 0; i < l.length; i++) s += p[i] = Math.exp(l[i] - max);
        for (int i = 0; i < l.length; i++) p[i] /= s;
        return p;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
