package dev.whittle.engine;

import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.RopeScaling;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Small seeded random-weight models of each architecture, with HF tensor names and layouts. Matrices and
 * embeddings take the requested dtype (F32 or F16); norms and biases stay F32 as in real checkpoints.
 */
final class RandomModels {
    record Case(String label, ModelConfig config) {
        @Override
        public String toString() {
            return label;
        }
    }

    private RandomModels() {}

    static ModelConfig llama(Architecture arch, int hidden, int layers, int heads, int kvHeads, int headDim,
                             int ffn, double theta, RopeScaling scaling, boolean tied, boolean bias, int window) {
        return llama(arch, hidden, layers, heads, kvHeads, headDim, ffn, theta, scaling, tied, bias, false, window);
    }

    static ModelConfig llama(Architecture arch, int hidden, int layers, int heads, int kvHeads, int headDim,
                             int ffn, double theta, RopeScaling scaling, boolean tied, boolean bias, boolean mlpBias,
                             int window) {
        return new ModelConfig(arch, hidden, layers, heads, kvHeads, headDim, ffn, 100, 128, theta, scaling, 1e-5,
                tied, bias, mlpBias, "silu", window, 1, 2);
    }

    static final Case LLAMA3_GQA_UNTIED = new Case("llama3 GQA 4q/2kv, llama3 rope scaling, untied",
            llama(Architecture.LLAMA, 64, 3, 4, 2, 16, 96, 500000.0,
                    new RopeScaling("llama3", 8.0, 1.0, 4.0, 32), false, false, 0));
    static final Case LLAMA2_LINEAR_TIED = new Case("llama MHA, linear rope scaling, tied",
            llama(Architecture.LLAMA, 48, 2, 6, 6, 8, 80, 10000.0,
                    new RopeScaling("linear", 2.0, 1.0, 1.0, 0), true, false, 0));
    static final Case MISTRAL_WINDOW = new Case("mistral MQA, sliding window 8, untied",
            llama(Architecture.MISTRAL, 64, 2, 4, 1, 16, 128, 10000.0, RopeScaling.NONE, false, false, 8));
    static final Case QWEN2_BIAS_TIED = new Case("qwen2 GQA with q/k/v biases, tied",
            llama(Architecture.QWEN2, 64, 2, 4, 2, 16, 96, 1000000.0, RopeScaling.NONE, true, true, 0));
    static final Case LLAMA_ALL_BIASES = new Case("llama attention_bias (q/k/v/o) + mlp_bias, tied",
            llama(Architecture.LLAMA, 64, 2, 8, 4, 8, 64, 10000.0, RopeScaling.NONE, true, true, true, 0));
    static final Case GPT2 = new Case("gpt2 (Conv1D, learned positions, gelu_new, tied)",
            new ModelConfig(Architecture.GPT2, 64, 2, 4, 4, 16, 256, 100, 64, 10000.0, RopeScaling.NONE, 1e-5,
                    true, true, true, "gelu_new", 0, 1, 2));

    static Case[] all() {
        return new Case[] {LLAMA3_GQA_UNTIED, LLAMA2_LINEAR_TIED, MISTRAL_WINDOW, QWEN2_BIAS_TIED, LLAMA_ALL_BIASES, GPT2};
    }

    static Map<String, Tensor> weights(ModelConfig c, DType matrixType, long seed, Arena arena) {
        Builder b = new Builder(new Random(seed), matrixType, arena);
        int h = c.hiddenSize();
        int ff = c.intermediateSize();
        int v = c.vocabSize();
        if (c.architecture() == Architecture.GPT2) {
            b.matrix("wte.weight", 1.0, v, h);
            b.matrix("wpe.weight", 0.5, c.contextLength(), h);
            for (int i = 0; i < c.numLayers(); i++) {
                String p = "h." + i + ".";
                b.norm(p + "ln_1", h, true);
                b.matrix(p + "attn.c_attn.weight", 0.15, h, 3 * h);    // Conv1D: [in, out]
                b.vector(p + "attn.c_attn.bias", 0.1, 3 * h);
                b.matrix(p + "attn.c_proj.weight", 0.15, h, h);
                b.vector(p + "attn.c_proj.bias", 0.1, h);
                b.norm(p + "ln_2", h, true);
                b.matrix(p + "mlp.c_fc.weight", 0.15, h, ff);
                b.vector(p + "mlp.c_fc.bias", 0.1, ff);
                b.matrix(p + "mlp.c_proj.weight", 0.1, ff, h);
                b.vector(p + "mlp.c_proj.bias", 0.1, h);
            }
            b.norm("ln_f", h, true);
            return b.tensors;
        }
        b.matrix("model.embed_tokens.weight", 1.0, v, h);
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            b.norm(p + "input_layernorm", h, false);
            for (String proj : new String[] {"q_proj", "k_proj", "v_proj"}) {
                int out = proj.equals("q_proj") ? c.qDim() : c.kvDim();
                b.matrix(p + "self_attn." + proj + ".weight", 0.2, out, h);
                if (c.attentionBias()) b.vector(p + "self_attn." + proj + ".bias", 0.3, out);
            }
            b.matrix(p + "self_attn.o_proj.weight", 0.15, h, c.qDim());
            // HF Llama's attention_bias covers o_proj too; Qwen2's biases are q/k/v only
            if (c.attentionBias() && c.architecture() == Architecture.LLAMA) b.vector(p + "self_attn.o_proj.bias", 0.3, h);
            b.norm(p + "post_attention_layernorm", h, false);
            b.matrix(p + "mlp.gate_proj.weight", 0.2, ff, h);
            b.matrix(p + "mlp.up_proj.weight", 0.2, ff, h);
            b.matrix(p + "mlp.down_proj.weight", 0.15, h, ff);
            if (c.mlpBias()) {
                b.vector(p + "mlp.gate_proj.bias", 0.3, ff);
                b.vector(p + "mlp.up_proj.bias", 0.3, ff);
                b.vector(p + "mlp.down_proj.bias", 0.3, h);
            }
        }
        b.norm("model.norm", h, false);
        if (!c.tieWordEmbeddings()) b.matrix("lm_head.weight", 0.2, v, h);
        return b.tensors;
    }

    static int[] tokens(int n, int vocab, long seed) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(vocab);
        return t;
    }

    private static final class Builder {
        final Random random;
        final DType matrixType;
        final Arena arena;
        final Map<String, Tensor> tensors = new LinkedHashMap<>();

        Builder(Random random, DType matrixType, Arena arena) {
            this.random = random;
            this.matrixType = matrixType;
            this.arena = arena;
        }

        void matrix(String name, double std, int rows, int cols) {
            put(name, matrixType, std, 0, rows, cols);
        }

        void vector(String name, double std, int len) {
            put(name, DType.F32, std, 0, len);
        }

        void norm(String prefix, int len, boolean withBias) {
            put(prefix + ".weight", DType.F32, 0.1, 1.0, len);
            if (withBias) put(prefix + ".bias", DType.F32, 0.1, 0.0, len);
        }

        private void put(String name, DType type, double std, double mean, long... shape) {
            int count = (int) Tensor.elementCount(shape);
            MemorySegment seg = arena.allocate((long) count * type.blockBytes(), 4);
            for (int i = 0; i < count; i++) {
                float value = (float) (mean + std * random.nextGaussian());
                if (type == DType.F32) {
                    seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, value);
                } else {
                    seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i,
                            Float.floatToFloat16(value));
                }
            }
            tensors.put(name, new Tensor(name, shape, type, seg));
        }
    }
}
