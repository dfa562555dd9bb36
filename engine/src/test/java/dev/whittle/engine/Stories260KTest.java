package dev.whittle.engine;

import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.RopeScaling;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real trained stories260K (HF layout) against its float64 reference logits and known greedy output. */
class Stories260KTest {
    static final int[] PROMPT = {1, 403, 407, 261, 378, 430, 363, 275, 261, 504, 290, 2, 5, 100, 511, 0, 33};
    static final int[] GREEDY = {403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338,
            401, 396, 267, 337, 410, 408, 419, 292, 411, 322, 265, 282, 295, 433, 426, 385};

    static final ModelConfig CONFIG = new ModelConfig(Architecture.LLAMA, 64, 5, 8, 4, 8, 172, 512, 512, 10000.0,
            RopeScaling.NONE, 1e-5, true, false, false, "silu", 0, 1, 2);

    private static Arena arena;
    private static InferenceModel model;
    private static float[][] reference;

    @BeforeAll
    static void load() throws Exception {
        arena = Arena.ofShared();
        Map<String, Tensor> tensors = MiniSafeTensors.read(TestFixtures.stories260kHf().resolve("model.safetensors"), arena);
        assertEquals(47, tensors.size());
        model = InferenceModel.load(CONFIG, tensors, new EngineOptions(2, 0));
        Npy npy = Npy.readFloat32(TestFixtures.stories260kHf().resolve("reference_logits.npy"));
        assertArrayEquals(new int[] {17, 512}, npy.shape());
        reference = new float[17][512];
        for (int t = 0; t < 17; t++) System.arraycopy(npy.data(), t * 512, reference[t], 0, 512);
    }

    @AfterAll
    static void close() {
        model.close();
        arena.close();
    }

    @Test
    void prefillAllMatchesReferenceLogits() {
        float[] logits = model.newSession().prefillAll(PROMPT);
        double maxDiff = 0;
        for (int t = 0; t < 17; t++) {
            for (int v = 0; v < 512; v++) maxDiff = Math.max(maxDiff, Math.abs(logits[t * 512 + v] - reference[t][v]));
        }
        System.out.printf("stories260K prefillAll vs reference_logits.npy: max |diff| = %.3g%n", maxDiff);
        assertTrue(maxDiff < 1e-4, "max abs diff " + maxDiff);
    }

    @Test
    void decodeTokenByTokenMatchesReferenceLogits() {
        Session s = model.newSession();
        double maxDiff = 0;
        for (int t = 0; t < 17; t++) {
            float[] logits = s.decode(PROMPT[t]);
            for (int v = 0; v < 512; v++) maxDiff = Math.max(maxDiff, Math.abs(logits[v] - reference[t][v]));
        }
        System.out.printf("stories260K decode vs reference_logits.npy: max |diff| = %.3g%n", maxDiff);
        assertTrue(maxDiff < 1e-4, "max abs diff " + maxDiff);
    }

    @Test
    void prefillReturnsLastRowOfPrefillAll() {
        float[] all = model.newSession().prefillAll(PROMPT);
        float[] last = model.newSession().prefill(PROMPT);
        float[] expected = java.util.Arrays.copyOfRange(all, 16 * 512, 17 * 512);
        assertArrayEquals(expected, last);
    }

    @Test
    void greedyDecodingFromBosGivesKnownStory() {
        Session s = model.newSession();
        int[] got = new int[GREEDY.length];
        float[] logits = s.decode(1);
        for (int i = 0; i < GREEDY.length; i++) {
            got[i] = argmax(logits);
            logits = s.decode(got[i]);
        }
        assertArrayEquals(GREEDY, got);
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }
}
