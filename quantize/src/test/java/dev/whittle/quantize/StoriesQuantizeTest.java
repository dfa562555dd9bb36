package dev.whittle.quantize;

import dev.whittle.core.gguf.GgufFile;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.quant.BlockCodecs;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Tensor;
import dev.whittle.datasets.CalibrationSampler;
import dev.whittle.datasets.CalibrationSet;
import dev.whittle.datasets.CalibrationStyle;
import dev.whittle.datasets.DatasetRegistry;
import dev.whittle.datasets.ResolvedDataset;
import dev.whittle.eval.Perplexity;
import dev.whittle.eval.PerplexityProtocol;
import dev.whittle.eval.PerplexityResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance bar on a real trained model: stories260K over TinyStories, perplexity with llama.cpp's protocol
 * (n_ctx 128, 48 chunks) on the first part of the text; calibration windows drawn from a later part, so the two
 * do not overlap.
 */
class StoriesQuantizeTest {
    static final int EVAL_CHARS = 60_000;
    static final int CALIB_FROM_CHARS = 300_000;
    static final PerplexityProtocol PROTOCOL = new PerplexityProtocol.LlamaCpp(128, 48);

    @TempDir
    static Path dir;
    static Model source;
    static int[] evalTokens;
    static CalibrationSet calibration;
    static double fp32;

    @BeforeAll
    static void setUp() {
        source = ModelLoader.open(Fixtures.stories260k());
        ResolvedDataset ds = DatasetRegistry.resolve("tinystories-valid", Fixtures.datasets());
        String text = ds.source().wholeText();
        var tok = source.tokenizer().orElseThrow();
        evalTokens = tok.encode(text.substring(0, EVAL_CHARS));
        int[] calibTokens = tok.encode(text.substring(CALIB_FROM_CHARS, CALIB_FROM_CHARS + 120_000));
        calibration = CalibrationSampler.sample("tinystories-valid", ds.sha256(), List.of(calibTokens), 16, 128, 1234,
                CalibrationStyle.GPTQ);
        fp32 = ppl(source).ppl();
    }

    @AfterAll
    static void tearDown() {
        source.close();
    }

    static PerplexityResult ppl(Model m) {
        try (EngineLanguageModel lm = new EngineLanguageModel(m, 256); var s = lm.openSession(2)) {
            return new Perplexity(lm, PROTOCOL).run(s, evalTokens, (i, n, p) -> {});
        }
    }

    static final java.util.Map<String, Result> RUNS = new java.util.HashMap<>();

    /** Quantizes and evaluates once per configuration (tests share the runs). */
    static synchronized Result run(QuantizeOptions o) throws Exception {
        String key = o.method() + "-" + o.preset() + (o.gptq().actOrder() ? "-act" : "") + (o.awqDuo() ? "-duo" : "") + (o.awqGptq() ? "-gptq" : "");
        Result done = RUNS.get(key);
        if (done != null) return done;
        Path out = dir.resolve(key + ".gguf");
        QuantizationReport report = ModelQuantizer.quantize(source, out, o, Progress.NONE);
        try (Model q = ModelLoader.open(out)) {
            PerplexityResult r = ppl(q);
            System.out.printf(Locale.ROOT, "%-5s %-5s%s%s%s PPL %.4f ± %.4f (FP32 %.4f, %+.2f %%)%n", o.method(), o.preset(), o.awqDuo() ? " duo" : "", o.awqGptq() ? " +gptq" : "",
                    o.gptq().actOrder() ? " act-order" : "", r.ppl(), r.pplStderr(), fp32, 100 * (r.ppl() / fp32 - 1));
            for (TensorReport t : report.tensors()) {
                if (!Double.isNaN(t.relativeOutputMse()) && t.name().startsWith("blk.0.")) {
                    System.out.printf(Locale.ROOT, "    %-28s %-5s %-10s rel. output MSE %.3e%n", t.name(), t.type(), t.how(), t.relativeOutputMse());
                }
            }
            Result res = new Result(r.ppl(), report, out);
            RUNS.put(key, res);
            return res;
        }
    }

    record Result(double ppl, QuantizationReport report, Path file) {}

    @Test
    void q8_0CostsAtMostAThirdOfAPercent() throws Exception {
        Result rtn = run(QuantizeOptions.rtn(QuantPreset.Q8_0));
        assertTrue(Math.abs(rtn.ppl() / fp32 - 1) <= 0.003, "Q8_0 " + rtn.ppl() + " vs FP32 " + fp32);
        Result gptq = run(QuantizeOptions.gptq(QuantPreset.Q8_0, calibration, false));
        assertTrue(Math.abs(gptq.ppl() / fp32 - 1) <= 0.003, "GPTQ Q8_0 " + gptq.ppl() + " vs FP32 " + fp32);
    }

    @Test
    void gptqAndAwqBeatRoundToNearestAtFourBits() throws Exception {
        for (QuantPreset p : new QuantPreset[] {QuantPreset.Q4_0}) {
            double rtn = run(QuantizeOptions.rtn(p)).ppl();
            double gptq = run(QuantizeOptions.gptq(p, calibration, false)).ppl();
            double gptqAct = run(QuantizeOptions.gptq(p, calibration, true)).ppl();
            double awq = run(QuantizeOptions.awq(p, calibration)).ppl();
            assertTrue(rtn > fp32, p + ": RTN " + rtn + " vs FP32 " + fp32);
            assertTrue(gptq < rtn, p + ": GPTQ " + gptq + " vs RTN " + rtn);
            assertTrue(gptqAct < rtn, p + ": GPTQ act-order " + gptqAct + " vs RTN " + rtn);
            assertTrue(awq < rtn, p + ": AWQ " + awq + " vs RTN " + rtn);
        }
    }

    @Test
    void rtnFileHoldsTheCodecsBytesAndLlamaCppMetadata() throws Exception {
        Path out = dir.resolve("rtn-roundtrip.gguf");
        QuantizationReport report = ModelQuantizer.quantize(source, out, QuantizeOptions.rtn(QuantPreset.Q4_0), Progress.NONE);
        assertEquals(List.of("token_embd.weight", "blk.0.ffn_down.weight"),
                report.fallbacks().stream().limit(2).map(s -> s.substring(0, s.indexOf(':'))).toList());
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(2L, f.metadata().get("general.file_type").asLong());
            assertEquals(2L, f.metadata().get("general.quantization_version").asLong());
            assertTrue(f.metadata().containsKey("tokenizer.ggml.tokens"));
            assertEquals(DType.Q8_0, f.tensor("token_embd.weight").orElseThrow().dtype());
            assertEquals(DType.Q4_0, f.tensor("blk.2.attn_q.weight").orElseThrow().dtype());
            assertEquals(DType.F16, f.tensor("blk.2.ffn_down.weight").orElseThrow().dtype());
            assertEquals(DType.F32, f.tensor("blk.2.attn_norm.weight").orElseThrow().dtype());
        }
        try (Model q = ModelLoader.open(out); Arena a = Arena.ofConfined()) {
            assertEquals(source.tensorNames().size(), q.tensorNames().size());
            for (String n : source.tensorNames()) {
                Tensor got = q.tensor(n);
                Tensor src = source.tensor(n);
                if (got.dtype().isBlockQuantized()) {
                    // the loader undoes the Q/K interleave, so rows compare in HF order
                    Tensor expected = BlockCodecs.quantize(src, got.dtype(), a);
                    assertTrue(ModelLoader.sameContents(expected, got), n);
                } else {
                    float[] e = Dequantizer.toFloatArray(src);
                    float[] g = Dequantizer.toFloatArray(got);
                    for (int i = 0; i < e.length; i++) {
                        float want = got.dtype() == DType.F16 ? Float.float16ToFloat(Float.floatToFloat16(e[i])) : e[i];
                        assertEquals(want, g[i], 0f, n + "[" + i + "]");
                    }
                }
            }
        }
    }

    @Test
    void gptqFileDecodesToTheValuesGptqComputed() throws Exception {
        QuantizeOptions o = QuantizeOptions.gptq(QuantPreset.Q4_0, calibration, false);
        Path out = run(o).file();
        var plan = TensorTypePlan.of(QuantPreset.Q4_0, shapes(source));
        LayerStream stream = new LayerStream(source, o,
                c -> plan.typeOf(dev.whittle.core.model.TensorNaming.hfToGguf(c, source.config().architecture()).orElse(c)),
                c -> c, new java.util.ArrayList<>());
        try (Model q = ModelLoader.open(out)) {
            for (int layer = 0; layer < source.config().numLayers(); layer++) {
                for (String n : q.tensorNames()) {
                    if (!n.startsWith("model.layers." + layer + ".")) continue;
                    float[] computed = stream.tensor(layer, n).values();
                    assertArrayEquals(computed, Dequantizer.toFloatArray(q.tensor(n)), 0f, n);
                }
            }
        }
    }

    static java.util.Map<String, long[]> shapes(Model m) {
        java.util.Map<String, long[]> s = new java.util.LinkedHashMap<>();
        for (String c : dev.whittle.core.convert.GgufExport.ggufOrder(m)) {
            s.put(dev.whittle.core.model.TensorNaming.hfToGguf(c, m.config().architecture()).orElse(c), m.tensor(c).shape());
        }
        return s;
    }

    @Test
    void layerMathMatchesTheEngine() {
        // the calibration forward (embeddings → layers → final norm → tied head) against the engine's logits
        int[] tokens = Arrays.copyOf(evalTokens, 64);
        CalibrationSet one = new CalibrationSet("t", null, 0, CalibrationStyle.GPTQ, new int[][] {tokens}, new int[] {0}, new int[] {0});
        var c = source.config();
        float[] x = LayerStream.embed(source, one);
        LayerMath math = new LayerMath(c, tokens.length);
        int n = tokens.length;
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            float[] xn = LayerMath.rmsNorm(x, n, f(p + "input_layernorm.weight"), c.normEps());
            float[] a = math.attention(LayerMath.linear(xn, n, f(p + "self_attn.q_proj.weight"), c.qDim(), c.hiddenSize(), null),
                    LayerMath.linear(xn, n, f(p + "self_attn.k_proj.weight"), c.kvDim(), c.hiddenSize(), null),
                    LayerMath.linear(xn, n, f(p + "self_attn.v_proj.weight"), c.kvDim(), c.hiddenSize(), null), n);
            LayerMath.addInto(x, LayerMath.linear(a, n, f(p + "self_attn.o_proj.weight"), c.hiddenSize(), c.qDim(), null));
            float[] xn2 = LayerMath.rmsNorm(x, n, f(p + "post_attention_layernorm.weight"), c.normEps());
            float[] act = LayerMath.siluMul(LayerMath.linear(xn2, n, f(p + "mlp.gate_proj.weight"), c.intermediateSize(), c.hiddenSize(), null),
                    LayerMath.linear(xn2, n, f(p + "mlp.up_proj.weight"), c.intermediateSize(), c.hiddenSize(), null));
            LayerMath.addInto(x, LayerMath.linear(act, n, f(p + "mlp.down_proj.weight"), c.hiddenSize(), c.intermediateSize(), null));
        }
        float[] logits = LayerMath.linear(LayerMath.rmsNorm(x, n, f("model.norm.weight"), c.normEps()), n,
                f("model.embed_tokens.weight"), c.vocabSize(), c.hiddenSize(), null);
        try (EngineLanguageModel lm = new EngineLanguageModel(source, 256)) {
            float[] ref = lm.engine().newSession().prefillAll(tokens);
            double max = 0;
            for (int i = 0; i < ref.length; i++) max = Math.max(max, Math.abs(ref[i] - logits[i]));
            assertTrue(max < 1e-3, "max |Δlogit| " + max);
        }
    }

    static float[] f(String name) {
        return Dequantizer.toFloatArray(source.tensor(name));
    }
}
