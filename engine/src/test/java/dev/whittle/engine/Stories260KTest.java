package dev.whittle.engine;

import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real trained stories260K, opened by the loader both from its HF SafeTensors directory and from its
 * GGUF (interleaved Q/K rows, translated at the boundary), against the float64 reference logits and the
 * known greedy continuation.
 */
class Stories260KTest {
    static final int[] PROMPT = {1, 403, 407, 261, 378, 430, 363, 275, 261, 504, 290, 2, 5, 100, 511, 0, 33};
    static final int[] GREEDY = {403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338,
            401, 396, 267, 337, 410, 408, 419, 292, 411, 322, 265, 282, 295, 433, 426, 385};

    private static float[][] reference;

    @BeforeAll
    static void loadReference() throws Exception {
        Npy npy = Npy.readFloat32(TestFixtures.stories260kHf().resolve("reference_logits.npy"));
        assertArrayEquals(new int[] {17, 512}, npy.shape());
        reference = new float[17][512];
        for (int t = 0; t < 17; t++) System.arraycopy(npy.data(), t * 512, reference[t], 0, 512);
    }

    static Stream<Path> sources() {
        return Stream.of(TestFixtures.stories260kHf(), TestFixtures.root().resolve("models/stories260K/stories260K.gguf"));
    }

    private static String label(Path p) {
        return p.getFileName().toString();
    }

    @ParameterizedTest
    @MethodSource("sources")
    void configMatchesTheKnownShape(Path source) {
        try (Model m = ModelLoader.open(source)) {
            ModelConfig c = m.config();
            assertEquals(List.of(64, 5, 8, 4, 8, 172, 512), List.of(c.hiddenSize(), c.numLayers(), c.numHeads(),
                    c.numKvHeads(), c.headDim(), c.intermediateSize(), c.vocabSize()));
            assertTrue(c.tieWordEmbeddings());
        }
    }

    @ParameterizedTest
    @MethodSource("sources")
    void prefillAllMatchesReferenceLogits(Path source) {
        try (Model m = ModelLoader.open(source); InferenceModel model = InferenceModel.load(m, new EngineOptions(2, 0))) {
            float[] logits = model.newSession().prefillAll(PROMPT);
            double maxDiff = 0;
            for (int t = 0; t < 17; t++) {
                for (int v = 0; v < 512; v++) maxDiff = Math.max(maxDiff, Math.abs(logits[t * 512 + v] - reference[t][v]));
            }
            System.out.printf("stories260K (%s) prefillAll vs reference_logits.npy: max |diff| = %.3g%n", label(source), maxDiff);
            assertTrue(maxDiff < 1e-4, "max abs diff " + maxDiff);
        }
    }

    @ParameterizedTest
    @MethodSource("sources")
    void decodeTokenByTokenMatchesReferenceLogits(Path source) {
        try (Model m = ModelLoader.open(source); InferenceModel model = InferenceModel.load(m, new EngineOptions(2, 0))) {
            Session s = model.newSession();
            double maxDiff = 0;
            for (int t = 0; t < 17; t++) {
                float[] logits = s.decode(PROMPT[t]);
                for (int v = 0; v < 512; v++) maxDiff = Math.max(maxDiff, Math.abs(logits[v] - reference[t][v]));
            }
            System.out.printf("stories260K (%s) decode vs reference_logits.npy: max |diff| = %.3g%n", label(source), maxDiff);
            assertTrue(maxDiff < 1e-4, "max abs diff " + maxDiff);
        }
    }

    @Test
    void prefillAndStreamingAgreeWithPrefillAll() {
        try (Model m = ModelLoader.open(TestFixtures.stories260kHf());
             InferenceModel model = InferenceModel.load(m, new EngineOptions(2, 0))) {
            float[] all = model.newSession().prefillAll(PROMPT);
            float[] last = model.newSession().prefill(PROMPT);
            // Batches of different sizes tile the output matmul differently: equal up to float rounding.
            assertArrayEquals(Arrays.copyOfRange(all, 16 * 512, 17 * 512), last, 1e-4f);

            float[] streamed = new float[all.length];
            int[] calls = {0};
            model.newSession().prefill(PROMPT, (index, logits) -> {
                assertEquals(calls[0]++, index, "rows arrive in order");
                System.arraycopy(logits, 0, streamed, index * 512, 512);
            });
            assertEquals(17, calls[0]);
            assertArrayEquals(all, streamed, 1e-4f, "streamed rows equal prefillAll");
        }
    }

    @ParameterizedTest
    @MethodSource("sources")
    void greedyDecodingFromBosGivesKnownStory(Path source) {
        try (Model m = ModelLoader.open(source); InferenceModel model = InferenceModel.load(m, new EngineOptions(1, 0))) {
            Session s = model.newSession();
            int[] got = new int[GREEDY.length];
            float[] logits = s.decode(1);
            for (int i = 0; i < GREEDY.length; i++) {
                got[i] = argmax(logits);
                logits = s.decode(got[i]);
            }
            assertArrayEquals(GREEDY, got);
        }
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }
}
