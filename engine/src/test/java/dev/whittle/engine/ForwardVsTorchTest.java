package dev.whittle.engine;

import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.model.RopeScaling;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Engine logits against the PyTorch float64 reference on seeded random-weight models of every supported
 * architecture, in F32 and F16 weights, fed all at once (prefill), token by token (decode) and in uneven
 * chunks; plus thread-count invariance.
 */
class ForwardVsTorchTest {
    static final int PROMPT = 32;
    static final double TOLERANCE = 1e-3;

    private static Arena arena;

    @BeforeAll
    static void open() {
        arena = Arena.ofShared();
    }

    @AfterAll
    static void close() {
        arena.close();
    }

    static Stream<Arguments> casesAndTypes() {
        List<Arguments> out = new ArrayList<>();
        for (RandomModels.Case c : RandomModels.all()) {
            out.add(Arguments.of(c, DType.F32));
            out.add(Arguments.of(c, DType.F16));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("casesAndTypes")
    void matchesPyTorch(RandomModels.Case c, DType type) {
        Map<String, Tensor> w = RandomModels.weights(c.config(), type, 42, arena);
        int[] tokens = RandomModels.tokens(PROMPT, c.config().vocabSize(), 7);
        double[][] expected = TorchReference.logits(c.config(), w, tokens);
        int vocab = c.config().vocabSize();
        double spread = 0;
        for (double[] row : expected) for (double x : row) spread = Math.max(spread, Math.abs(x));
        try (InferenceModel model = InferenceModel.load(c.config(), w, new EngineOptions(2, 0))) {
            float[] all = model.newSession().prefillAll(tokens);
            double prefillDiff = maxDiff(all, expected, 0, PROMPT, vocab);

            Session s = model.newSession();
            float[] decoded = new float[PROMPT * vocab];
            for (int t = 0; t < PROMPT; t++) System.arraycopy(s.decode(tokens[t]), 0, decoded, t * vocab, vocab);
            double decodeDiff = maxDiff(decoded, expected, 0, PROMPT, vocab);

            // uneven chunks: attention over cached positions with several new queries at once
            Session chunked = model.newSession();
            double chunkDiff = 0;
            int[] cuts = {0, 5, 6, 19, 32};
            for (int i = 0; i + 1 < cuts.length; i++) {
                int[] part = java.util.Arrays.copyOfRange(tokens, cuts[i], cuts[i + 1]);
                float[] logits = chunked.prefillAll(part);
                chunkDiff = Math.max(chunkDiff, maxDiff(logits, expected, cuts[i], part.length, vocab));
            }
            System.out.printf("%-52s %s  max|logit| %6.2f  max|diff| prefill %.2e decode %.2e chunked %.2e%n",
                    c.label(), type, spread, prefillDiff, decodeDiff, chunkDiff);
            assertTrue(spread > 1.0, "degenerate test model: logits all near zero");
            assertTrue(prefillDiff < TOLERANCE, "prefill max abs diff " + prefillDiff);
            assertTrue(decodeDiff < TOLERANCE, "decode max abs diff " + decodeDiff);
            assertTrue(chunkDiff < TOLERANCE, "chunked max abs diff " + chunkDiff);
            // One code path; only the kernels' summation order differs between matrix×matrix (prefill) and
            // matrix×vector (decode), so the two agree to float rounding.
            assertArrayEquals(all, decoded, 1e-4f, "prefill and decode logits agree to float rounding");
        }
    }

    /**
     * Prompts longer than the batched attention's causal row block (48 queries): one chunk spanning three blocks,
     * then chunks that start after cached positions and cross block edges. With a sliding window (Mistral, 8) the
     * visible keys start after the span's first too.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("longPromptCases")
    void longPromptsMatchPyTorch(RandomModels.Case c) {
        int n = Math.min(120, c.config().contextLength());
        Map<String, Tensor> w = RandomModels.weights(c.config(), DType.F32, 44, arena);
        int[] tokens = RandomModels.tokens(n, c.config().vocabSize(), 9);
        double[][] expected = TorchReference.logits(c.config(), w, tokens);
        int vocab = c.config().vocabSize();
        try (InferenceModel model = InferenceModel.load(c.config(), w, new EngineOptions(2, 0))) {
            double prefillDiff = maxDiff(model.newSession().prefillAll(tokens), expected, 0, n, vocab);
            Session chunked = model.newSession();
            double chunkDiff = 0;
            int[] cuts = {0, 10, n - 40, n};
            for (int i = 0; i + 1 < cuts.length; i++) {
                int[] part = java.util.Arrays.copyOfRange(tokens, cuts[i], cuts[i + 1]);
                chunkDiff = Math.max(chunkDiff, maxDiff(chunked.prefillAll(part), expected, cuts[i], part.length, vocab));
            }
            System.out.printf("%-52s %d tokens  max|diff| prefill %.2e chunked %.2e%n", c.label(), n, prefillDiff, chunkDiff);
            assertTrue(prefillDiff < TOLERANCE, "prefill max abs diff " + prefillDiff);
            assertTrue(chunkDiff < TOLERANCE, "chunked max abs diff " + chunkDiff);
        }
    }

    static Stream<RandomModels.Case> longPromptCases() {
        return Stream.of(RandomModels.LLAMA3_GQA_UNTIED, RandomModels.MISTRAL_WINDOW, RandomModels.QWEN2_BIAS_TIED, RandomModels.GPT2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.whittle.engine.RandomModels#all")
    void logitsDoNotDependOnThreadCount(RandomModels.Case c) {
        Map<String, Tensor> w = RandomModels.weights(c.config(), DType.F32, 43, arena);
        int[] tokens = RandomModels.tokens(PROMPT, c.config().vocabSize(), 8);
        float[] prefill1 = null;
        float[] decode1 = null;
        for (int threads = 1; threads <= 3; threads++) {
            try (InferenceModel model = InferenceModel.load(c.config(), w, new EngineOptions(threads, 0))) {
                float[] prefill = model.newSession().prefillAll(tokens);
                Session s = model.newSession();
                s.prefill(java.util.Arrays.copyOf(tokens, 20));
                float[] decode = s.decode(tokens[20]);
                if (threads == 1) {
                    prefill1 = prefill;
                    decode1 = decode;
                } else {
                    assertArrayEquals(prefill1, prefill, "prefill logits with " + threads + " threads");
                    assertArrayEquals(decode1, decode, "decode logits with " + threads + " threads");
                }
            }
        }
    }

    /** GGUF Llama 3.1 files carry the llama3 scaling as a rope_freqs tensor instead of config keys. */
    @Test
    void ropeFreqsTensorEncodesLlama3Scaling() {
        RandomModels.Case c = RandomModels.LLAMA3_GQA_UNTIED;
        Map<String, Tensor> w = RandomModels.weights(c.config(), DType.F32, 42, arena);
        int[] tokens = RandomModels.tokens(PROMPT, c.config().vocabSize(), 7);
        double[][] expected = TorchReference.logits(c.config(), w, tokens);
        ModelConfig unscaled = withRopeScaling(c.config(), RopeScaling.NONE);
        double[] scaled = TorchReference.inverseFrequencies(c.config());
        double[] base = TorchReference.inverseFrequencies(unscaled);
        java.lang.foreign.MemorySegment factors = arena.allocate(4L * base.length, 4);
        for (int i = 0; i < base.length; i++) {
            factors.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) (base[i] / scaled[i]));
        }
        Map<String, Tensor> withFreqs = new java.util.LinkedHashMap<>(w);
        withFreqs.put("rope_freqs.weight", new Tensor("rope_freqs.weight", new long[] {base.length}, DType.F32, factors));
        try (InferenceModel model = InferenceModel.load(unscaled, withFreqs, new EngineOptions(2, 0))) {
            double diff = maxDiff(model.newSession().prefillAll(tokens), expected, 0, PROMPT, c.config().vocabSize());
            System.out.printf("llama3 scaling via rope_freqs tensor vs PyTorch: max |diff| = %.2e%n", diff);
            assertTrue(diff < TOLERANCE, "max abs diff " + diff);
        }
    }

    /** Guards against vacuous comparisons: dropping each feature from the engine must break the match. */
    @Test
    void eachFeatureChangesTheLogits() {
        assertFeatureMatters(RandomModels.LLAMA3_GQA_UNTIED, withRopeScaling(RandomModels.LLAMA3_GQA_UNTIED.config(),
                RopeScaling.NONE), false);
        assertFeatureMatters(RandomModels.LLAMA2_LINEAR_TIED, withRopeScaling(RandomModels.LLAMA2_LINEAR_TIED.config(),
                RopeScaling.NONE), false);
        ModelConfig m = RandomModels.MISTRAL_WINDOW.config();
        assertFeatureMatters(RandomModels.MISTRAL_WINDOW, new ModelConfig(m.architecture(), m.hiddenSize(), m.numLayers(),
                m.numHeads(), m.numKvHeads(), m.headDim(), m.intermediateSize(), m.vocabSize(), m.contextLength(),
                m.ropeTheta(), m.ropeScaling(), m.normEps(), m.tieWordEmbeddings(), m.attentionBias(), m.mlpBias(),
                m.hiddenAct(), 0, m.bosTokenId(), m.eosTokenId()), false);
        ModelConfig q = RandomModels.QWEN2_BIAS_TIED.config();
        assertFeatureMatters(RandomModels.QWEN2_BIAS_TIED, new ModelConfig(q.architecture(), q.hiddenSize(), q.numLayers(),
                q.numHeads(), q.numKvHeads(), q.headDim(), q.intermediateSize(), q.vocabSize(), q.contextLength(),
                q.ropeTheta(), q.ropeScaling(), q.normEps(), q.tieWordEmbeddings(), false, q.mlpBias(),
                q.hiddenAct(), q.slidingWindow(), q.bosTokenId(), q.eosTokenId()), true);
    }

    private static ModelConfig withRopeScaling(ModelConfig m, RopeScaling s) {
        return new ModelConfig(m.architecture(), m.hiddenSize(), m.numLayers(), m.numHeads(), m.numKvHeads(),
                m.headDim(), m.intermediateSize(), m.vocabSize(), m.contextLength(), m.ropeTheta(), s, m.normEps(),
                m.tieWordEmbeddings(), m.attentionBias(), m.mlpBias(), m.hiddenAct(), m.slidingWindow(),
                m.bosTokenId(), m.eosTokenId());
    }

    private static void assertFeatureMatters(RandomModels.Case c, ModelConfig without, boolean dropBiases) {
        Map<String, Tensor> w = RandomModels.weights(c.config(), DType.F32, 42, arena);
        int[] tokens = RandomModels.tokens(PROMPT, c.config().vocabSize(), 7);
        double[][] expected = TorchReference.logits(c.config(), w, tokens);
        Map<String, Tensor> engineWeights = new java.util.LinkedHashMap<>(w);
        if (dropBiases) engineWeights.keySet().removeIf(k -> k.endsWith(".bias"));
        try (InferenceModel model = InferenceModel.load(without, engineWeights, new EngineOptions(1, 0))) {
            double diff = maxDiff(model.newSession().prefillAll(tokens), expected, 0, PROMPT, c.config().vocabSize());
            assertTrue(diff > 0.05, c.label() + ": removing the feature changed logits by only " + diff);
        }
    }

    @Test
    void torchReferenceReproducesStories260KReferenceLogits() throws Exception {
        double[][] logits;
        try (Model m = ModelLoader.open(TestFixtures.stories260kHf())) {
            logits = TorchReference.logits(m.config(), m.tensors(), Stories260KTest.PROMPT);
        }
        Npy npy = Npy.readFloat32(TestFixtures.stories260kHf().resolve("reference_logits.npy"));
        double max = 0;
        for (int t = 0; t < 17; t++) {
            for (int v = 0; v < 512; v++) max = Math.max(max, Math.abs(logits[t][v] - npy.data()[t * 512 + v]));
        }
        System.out.printf("PyTorch reference vs reference_logits.npy: max |diff| = %.2e%n", max);
        assertTrue(max < 1e-5, "reference max abs diff " + max);
    }

    /** A real F16 GGUF (random weights, full 32000-token Llama-2 vocab) against the reference. */
    @Test
    void llama2TinyRandomF16GgufMatchesPyTorch() {
        Path file = TestFixtures.root().resolve("models/llama-2-tiny-random-gguf/llama-2-tiny-random.gguf");
        try (Model m = ModelLoader.open(file); InferenceModel model = InferenceModel.load(m, new EngineOptions(2, 0))) {
            int[] tokens = RandomModels.tokens(PROMPT, m.config().vocabSize(), 9);
            double[][] expected = TorchReference.logits(m.config(), m.tensors(), tokens);
            double diff = maxDiff(model.newSession().prefillAll(tokens), expected, 0, PROMPT, m.config().vocabSize());
            double spread = 0;
            for (double[] row : expected) for (double x : row) spread = Math.max(spread, Math.abs(x));
            System.out.printf("llama-2-tiny-random.gguf (F16) vs PyTorch: max|logit| %.3g, max |diff| = %.2e%n", spread, diff);
            assertTrue(spread > 1e-3, "degenerate logits");
            assertTrue(diff < TOLERANCE, "max abs diff " + diff);
        }
    }

    private static double maxDiff(float[] got, double[][] expected, int firstRow, int rows, int vocab) {
        double max = 0;
        for (int t = 0; t < rows; t++) {
            for (int v = 0; v < vocab; v++) {
                max = Math.max(max, Math.abs(got[t * vocab + v] - expected[firstRow + t][v]));
            }
        }
        return max;
    }
}
