package dev.whittle.engine;

import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import dev.whittle.engine.kernel.LinearKernel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A transformer ready to run: weights stay in their mapped dtype and layout, wrapped in projections that
 * multiply them in place. Sessions ({@link #newSession()}) hold the per-conversation KV cache; the model
 * itself is immutable and owns the worker threads (close it to release them).
 * <p>
 * Tensors are keyed by HuggingFace names (Llama/Mistral/Qwen2: {@code model.layers.N.self_attn.q_proj.weight}
 * ...; GPT-2: {@code h.N.attn.c_attn.weight} ..., optionally prefixed {@code transformer.}), with Q/K rows in
 * HF rotate-half order.
 */
public final class InferenceModel implements AutoCloseable {
    private static final Path IN_MEMORY = Path.of("(in-memory weights)");

    final ModelConfig config;
    final EngineOptions options;
    final int maxContext;
    final Embedding tokenEmbedding;
    final Embedding positionEmbedding;   // GPT-2 learned positions, null for rotary models
    final Rope rope;                     // null for GPT-2
    final List<LayerWeights> layers;
    final Norm finalNorm;
    final Projection lmHead;
    final Activation activation;
    final Parallel parallel;

    private InferenceModel(ModelConfig config, EngineOptions options, Embedding tokenEmbedding,
                           Embedding positionEmbedding, Rope rope, List<LayerWeights> layers, Norm finalNorm,
                           Projection lmHead, Activation activation) {
        this.config = config;
        this.options = options;
        int limit = options.maxContext() > 0 ? options.maxContext() : config.contextLength();
        // learned positions end where the table does; rotary ones extrapolate at the user's request
        this.maxContext = positionEmbedding != null ? Math.min(limit, positionEmbedding.count()) : limit;
        this.tokenEmbedding = tokenEmbedding;
        this.positionEmbedding = positionEmbedding;
        this.rope = rope;
        this.layers = List.copyOf(layers);
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.activation = activation;
        this.parallel = new Parallel(options.threads());
    }

    /** Runs a model opened by {@link dev.whittle.core.model.ModelLoader}; the model must stay open while this one runs. */
    public static InferenceModel load(Model model, EngineOptions options) {
        return load(model.config(), model.tensors(), options, model.path());
    }

    public static InferenceModel load(ModelConfig config, Map<String, Tensor> tensors, EngineOptions options) {
        return load(config, tensors, options, null);
    }

    /**
     * Builds the model, checking every tensor's presence, shape and dtype.
     *
     * @param source the file the tensors came from, named in error messages (null if none)
     * @throws dev.whittle.core.ModelFormatException for missing or mis-shaped tensors and unsupported dtypes
     * @throws IllegalArgumentException for a config the engine cannot run (bad head split, unknown activation)
     */
    public static InferenceModel load(ModelConfig config, Map<String, Tensor> tensors, EngineOptions options,
                                      Path source) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(options, "options");
        checkConfig(config);
        WeightSet w = new WeightSet(tensors, source == null ? IN_MEMORY : source);
        Activation act = Activation.parse(config.hiddenAct());
        return config.architecture() == Architecture.GPT2
                ? loadGpt2(config, w, options, act)
                : loadLlama(config, w, options, act);
    }

    private static void checkConfig(ModelConfig c) {
        if (c.hiddenSize() <= 0 || c.numLayers() <= 0 || c.numHeads() <= 0 || c.numKvHeads() <= 0
                || c.headDim() <= 0 || c.intermediateSize() <= 0 || c.vocabSize() <= 0 || c.contextLength() <= 0) {
            throw new IllegalArgumentException("model config has a non-positive size: " + c);
        }
        if (c.numHeads() % c.numKvHeads() != 0) {
            throw new IllegalArgumentException("num_attention_heads " + c.numHeads()
                    + " is not a multiple of num_key_value_heads " + c.numKvHeads());
        }
        if (c.architecture() != Architecture.GPT2 && c.headDim() % 2 != 0) {
            throw new IllegalArgumentException("rotary embedding needs an even head_dim, got " + c.headDim());
        }
    }

    private static InferenceModel loadLlama(ModelConfig c, WeightSet w, EngineOptions options, Activation act) {
        int h = c.hiddenSize();
        int qd = c.qDim();
        int kvd = c.kvDim();
        int ff = c.intermediateSize();
        float eps = (float) c.normEps();
        Tensor embed = w.require("model.embed_tokens.weight", c.vocabSize(), h);
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            String a = p + "self_attn.";
            if (c.attentionBias() && !w.has(a + "q_proj.bias")) throw w.error("missing tensor " + a + "q_proj.bias");
            layers.add(new LayerWeights(
                    new Norm(w.vector(p + "input_layernorm.weight", h), null, eps),
                    linear(w, a + "q_proj", qd, h), linear(w, a + "k_proj", kvd, h), linear(w, a + "v_proj", kvd, h),
                    null,
                    linear(w, a + "o_proj", h, qd),
                    new Norm(w.vector(p + "post_attention_layernorm.weight", h), null, eps),
                    linear(w, p + "mlp.gate_proj", ff, h), linear(w, p + "mlp.up_proj", ff, h),
                    linear(w, p + "mlp.down_proj", h, ff)));
        }
        Norm norm = new Norm(w.vector("model.norm.weight", h), null, eps);
        Projection head = outputHead(c, w, embed);
        float[] ropeFactors = w.optionalVector("rope_freqs.weight", c.headDim() / 2).orElse(null);
        return new InferenceModel(c, options, embedding(w, embed), null, Rope.of(c, ropeFactors), layers, norm, head, act);
    }

    private static InferenceModel loadGpt2(ModelConfig c, WeightSet w, EngineOptions options, Activation act) {
        int h = c.hiddenSize();
        int ff = c.intermediateSize();
        float eps = (float) c.normEps();
        if (c.qDim() != h || c.numKvHeads() != c.numHeads()) {
            throw new IllegalArgumentException("GPT-2 needs num_heads × head_dim = hidden and no GQA: " + c);
        }
        Tensor wte = w.require("wte.weight", c.vocabSize(), h);
        Tensor wpe = w.require("wpe.weight", c.contextLength(), h);
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "h." + i + ".";
            boolean conv = conv1dLayout(w, p + "attn.c_attn.weight", h);
            layers.add(new LayerWeights(
                    layerNorm(w, p + "ln_1", h, eps),
                    null, null, null,
                    gpt2Projection(w, p + "attn.c_attn", h, 3 * h, conv),
                    gpt2Projection(w, p + "attn.c_proj", h, h, conv),
                    layerNorm(w, p + "ln_2", h, eps),
                    null,
                    gpt2Projection(w, p + "mlp.c_fc", h, ff, conv),
                    gpt2Projection(w, p + "mlp.c_proj", ff, h, conv)));
        }
        Norm norm = layerNorm(w, "ln_f", h, eps);
        Projection head = outputHead(c, w, wte);
        return new InferenceModel(c, options, embedding(w, wte), embedding(w, wpe), null, layers, norm, head, act);
    }

    private static Embedding embedding(WeightSet w, Tensor table) {
        if (table.dtype().byteSize(table.dim(1)) < 0) {
            throw w.error("tensor " + table.name() + " rows of " + table.dim(1) + " are not whole " + table.dtype()
                    + " blocks");
        }
        return new Embedding(table, Math.toIntExact(table.dim(0)), Math.toIntExact(table.dim(1)));
    }

    private static Projection outputHead(ModelConfig c, WeightSet w, Tensor embed) {
        var head = w.optional("lm_head.weight", c.vocabSize(), c.hiddenSize());
        if (head.isEmpty() && !c.tieWordEmbeddings()) {
            throw w.error("missing tensor lm_head.weight (tie_word_embeddings is false)");
        }
        Tensor t = head.orElse(embed);
        return new KernelProjection(t, kernelFor(w, t), null);
    }

    private static LinearKernel kernelFor(WeightSet w, Tensor t) {
        return KernelSelection.forDType(t.dtype()).orElseThrow(() -> w.error("tensor " + t.name() + " has dtype "
                + t.dtype() + ", which no matmul kernel supports"));
    }

    private static Norm layerNorm(WeightSet w, String name, int size, float eps) {
        return new Norm(w.vector(name + ".weight", size), w.vector(name + ".bias", size), eps);
    }

    /** An HF Linear: weight [out, in], optional bias [out]. */
    private static Projection linear(WeightSet w, String name, int out, int in) {
        Tensor weight = w.require(name + ".weight", out, in);
        float[] bias = w.optionalVector(name + ".bias", out).orElse(null);
        return new KernelProjection(weight, kernelFor(w, weight), bias);
    }

    /**
     * Whether a GPT-2 block stores HF Conv1D weights [in, out] (as HF checkpoints do) or Linear weights
     * [out, in] (as GGUF files do, possibly quantized). Decided once per block from the non-square c_attn,
     * since the square attn.c_proj cannot tell by its shape.
     */
    private static boolean conv1dLayout(WeightSet w, String cAttn, int h) {
        Tensor t = w.require(cAttn);
        long[] s = t.shape();
        if (Arrays.equals(s, new long[] {h, 3L * h})) return true;
        if (Arrays.equals(s, new long[] {3L * h, h})) return false;
        throw w.error("tensor " + t.name() + " has shape " + Arrays.toString(s) + ", expected [" + h + ", " + 3 * h
                + "] (Conv1D) or [" + 3 * h + ", " + h + "] (Linear)");
    }

    /**
     * A GPT-2 projection: Conv1D weights are read in place by a transposed-aware projection (float dtypes);
     * Linear-layout weights go through the matmul kernels like any other.
     */
    private static Projection gpt2Projection(WeightSet w, String name, int in, int out, boolean conv1d) {
        float[] bias = w.vector(name + ".bias", out);
        if (!conv1d) {
            Tensor weight = w.require(name + ".weight", out, in);
            return new KernelProjection(weight, kernelFor(w, weight), bias);
        }
        Tensor weight = w.require(name + ".weight", in, out);
        DType t = weight.dtype();
        if (t != DType.F32 && t != DType.F16 && t != DType.BF16) {
            throw w.error("tensor " + weight.name() + " in Conv1D [in, out] layout has dtype " + t
                    + "; only F32/F16/BF16 are read transposed");
        }
        return new TransposedProjection(weight, bias);
    }

    public ModelConfig config() {
        return config;
    }

    public EngineOptions options() {
        return options;
    }

    /** Most positions a session can hold. */
    public int maxContext() {
        return maxContext;
    }

    public int vocabSize() {
        return config.vocabSize();
    }

    /** A fresh conversation with an empty KV cache. Sessions are not thread-safe; use one per thread. */
    public Session newSession() {
        return new Session(this);
    }

    @Override
    public void close() {
        parallel.close();
    }
}
