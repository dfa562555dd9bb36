package dev.whittle.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.RopeScaling;
import dev.whittle.core.tensor.Tensor;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * An independent float64 forward pass with PyTorch (through DJL NDArray ops), transcribed from HF's
 * modeling_llama.py / modeling_mistral.py / modeling_qwen2.py / modeling_gpt2.py: full-sequence causal
 * attention with an additive mask, repeat_kv for GQA, rotate_half RoPE, HF's rope-init functions.
 * Shares no code with the engine.
 * <p>
 * Runs offline: DJL finds {@code native/lib/pytorch.properties} in the pytorch-native-cpu jar on the test
 * classpath and extracts libtorch from it into {@code ~/.djl.ai/pytorch/2.7.1-*-cpu-linux-x86_64} (the JNI
 * glue comes from the pytorch-jni jar); with {@code ai.djl.offline=true} it never tries a download. The cache
 * location can be moved with the {@code ENGINE_CACHE_DIR} / {@code DJL_CACHE_DIR} environment variables.
 * One intra-op and one inter-op thread: the models are tiny, and OpenMP spinning on a shared 2-core
 * machine costs far more than it saves.
 */
final class TorchReference {
    static {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    private TorchReference() {}

    /** Logits [n][vocab] for every position of {@code tokens}. */
    static double[][] logits(ModelConfig c, Map<String, Tensor> weights, int[] tokens) {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Ctx ctx = new Ctx(m, weights);
            NDArray logits = c.architecture() == Architecture.GPT2 ? gpt2(ctx, c, tokens) : llama(ctx, c, tokens);
            double[] flat = logits.toDoubleArray();
            int n = tokens.length;
            int v = c.vocabSize();
            double[][] out = new double[n][v];
            for (int t = 0; t < n; t++) System.arraycopy(flat, t * v, out[t], 0, v);
            return out;
        }
    }

    private record Ctx(NDManager m, Map<String, Tensor> weights) {
        boolean has(String name) {
            return weights.containsKey(name);
        }

        NDArray w(String name) {
            Tensor t = weights.get(name);
            if (t == null) throw new IllegalArgumentException("reference: missing " + name);
            int count = (int) t.elementCount();
            double[] d = new double[count];
            for (int i = 0; i < count; i++) {
                d[i] = switch (t.dtype()) {
                    case F32 -> t.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i);
                    case F16 -> Float.float16ToFloat(t.data().getAtIndex(
                            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i));
                    default -> throw new IllegalArgumentException("reference reads F32/F16, not " + t.dtype());
                };
            }
            return m.create(d, new Shape(t.shape()));
        }

        /** nn.Embedding: rows of the table. */
        NDArray embed(NDArray table, int[] ids) {
            NDList rows = new NDList();
            for (int id : ids) rows.add(table.get(id));
            return NDArrays.stack(rows, 0);
        }

        /** nn.Linear: x @ W.T (+ b). */
        NDArray linear(NDArray x, String prefix) {
            NDArray y = x.matMul(w(prefix + ".weight").transpose());
            return has(prefix + ".bias") ? y.add(w(prefix + ".bias")) : y;
        }

        /** GPT-2 Conv1D: x @ W + b, W stored [in, out]. */
        NDArray conv1d(NDArray x, String prefix) {
            return x.matMul(w(prefix + ".weight")).add(w(prefix + ".bias"));
        }

        /** Additive causal mask [n, n]: 0 where key j is visible from query i, -inf elsewhere. */
        NDArray causalMask(int n, int slidingWindow) {
            double[] mask = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    boolean visible = j <= i && (slidingWindow <= 0 || j > i - slidingWindow);
                    mask[i * n + j] = visible ? 0.0 : Double.NEGATIVE_INFINITY;
                }
            }
            return m.create(mask, new Shape(n, n));
        }
    }

    // ---- Llama / Mistral / Qwen2 ----

    private static NDArray rmsNorm(NDArray x, NDArray w, double eps) {
        NDArray variance = x.pow(2).mean(new int[] {-1}, true);
        return w.mul(x.mul(variance.add(eps).sqrt().pow(-1)));
    }

    private static NDArray rotateHalf(NDArray x, int half) {
        NDArray x1 = x.get(":, :, :" + half);
        NDArray x2 = x.get(":, :, " + half + ":");
        return NDArrays.concat(new NDList(x2.neg(), x1), -1);
    }

    /** HF rope init: default, "linear" and "llama3" (_compute_llama3_parameters). */
    static double[] inverseFrequencies(ModelConfig c) {
        int dim = c.headDim();
        double[] inv = new double[dim / 2];
        for (int i = 0; i < dim / 2; i++) inv[i] = 1.0 / Math.pow(c.ropeTheta(), (double) (2 * i) / dim);
        RopeScaling s = c.ropeScaling();
        if (s == null || s.isNone()) return inv;
        if (s.type().equals("linear")) {
            for (int i = 0; i < inv.length; i++) inv[i] = inv[i] / s.factor();
            return inv;
        }
        double lowFreqWavelen = s.originalMaxPositionEmbeddings() / s.lowFreqFactor();
        double highFreqWavelen = s.originalMaxPositionEmbeddings() / s.highFreqFactor();
        double[] out = new double[inv.length];
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            double llama = wavelen > lowFreqWavelen ? inv[i] / s.factor() : inv[i];
            double smooth = (s.originalMaxPositionEmbeddings() / wavelen - s.lowFreqFactor())
                    / (s.highFreqFactor() - s.lowFreqFactor());
            double smoothed = (1 - smooth) * llama / s.factor() + smooth * llama;
            boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
            out[i] = medium ? smoothed : llama;
        }
        return out;
    }

    private static NDArray llama(Ctx ctx, ModelConfig c, int[] tokens) {
        NDManager m = ctx.m();
        int n = tokens.length;
        int heads = c.numHeads();
        int kvHeads = c.numKvHeads();
        int hd = c.headDim();
        int groups = heads / kvHeads;
        NDArray embed = ctx.w("model.embed_tokens.weight");
        NDArray h = ctx.embed(embed, tokens);

        double[] inv = inverseFrequencies(c);
        double[] pos = new double[n];
        for (int i = 0; i < n; i++) pos[i] = i;
        NDArray freqs = m.create(pos, new Shape(n, 1)).matMul(m.create(inv, new Shape(1, inv.length)));
        NDArray emb = NDArrays.concat(new NDList(freqs, freqs), -1);
        NDArray cos = emb.cos();
        NDArray sin = emb.sin();
        NDArray mask = ctx.causalMask(n, c.slidingWindow());

        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            NDArray residual = h;
            NDArray x = rmsNorm(h, ctx.w(p + "input_layernorm.weight"), c.normEps());
            NDArray q = ctx.linear(x, p + "self_attn.q_proj").reshape(n, heads, hd).transpose(1, 0, 2);
            NDArray k = ctx.linear(x, p + "self_attn.k_proj").reshape(n, kvHeads, hd).transpose(1, 0, 2);
            NDArray v = ctx.linear(x, p + "self_attn.v_proj").reshape(n, kvHeads, hd).transpose(1, 0, 2);
            q = q.mul(cos).add(rotateHalf(q, hd / 2).mul(sin));
            k = k.mul(cos).add(rotateHalf(k, hd / 2).mul(sin));
            NDList kRep = new NDList();
            NDList vRep = new NDList();
            for (int head = 0; head < heads; head++) {
                kRep.add(k.get(head / groups));
                vRep.add(v.get(head / groups));
            }
            k = NDArrays.stack(kRep, 0);
            v = NDArrays.stack(vRep, 0);
            NDArray scores = q.matMul(k.transpose(0, 2, 1)).mul(Math.pow(hd, -0.5)).add(mask);
            NDArray attn = scores.softmax(-1).matMul(v).transpose(1, 0, 2).reshape(n, heads * hd);
            h = residual.add(ctx.linear(attn, p + "self_attn.o_proj"));

            residual = h;
            x = rmsNorm(h, ctx.w(p + "post_attention_layernorm.weight"), c.normEps());
            NDArray gate = ctx.linear(x, p + "mlp.gate_proj");
            NDArray silu = gate.mul(gate.neg().exp().add(1).pow(-1));
            NDArray mlp = ctx.linear(silu.mul(ctx.linear(x, p + "mlp.up_proj")), p + "mlp.down_proj");
            h = residual.add(mlp);
        }
        h = rmsNorm(h, ctx.w("model.norm.weight"), c.normEps());
        NDArray head = ctx.has("lm_head.weight") ? ctx.w("lm_head.weight") : embed;
        return h.matMul(head.transpose());
    }

    // ---- GPT-2 ----

    private static NDArray layerNorm(Ctx ctx, NDArray x, String prefix, double eps) {
        NDArray mean = x.mean(new int[] {-1}, true);
        NDArray centered = x.sub(mean);
        NDArray var = centered.pow(2).mean(new int[] {-1}, true);
        return centered.div(var.add(eps).sqrt()).mul(ctx.w(prefix + ".weight")).add(ctx.w(prefix + ".bias"));
    }

    private static NDArray geluNew(NDArray x) {
        NDArray inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI));
        return x.mul(0.5).mul(inner.tanh().add(1.0));
    }

    private static NDArray gpt2(Ctx ctx, ModelConfig c, int[] tokens) {
        int n = tokens.length;
        int heads = c.numHeads();
        int hidden = c.hiddenSize();
        int hd = hidden / heads;
        NDArray wte = ctx.w("wte.weight");
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) positions[i] = i;
        NDArray h = ctx.embed(wte, tokens).add(ctx.embed(ctx.w("wpe.weight"), positions));
        NDArray mask = ctx.causalMask(n, 0);
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "h." + l + ".";
            NDArray x = layerNorm(ctx, h, p + "ln_1", c.normEps());
            NDArray qkv = ctx.conv1d(x, p + "attn.c_attn");
            NDArray q = qkv.get(":, 0:" + hidden).reshape(n, heads, hd).transpose(1, 0, 2);
            NDArray k = qkv.get(":, " + hidden + ":" + 2 * hidden).reshape(n, heads, hd).transpose(1, 0, 2);
            NDArray v = qkv.get(":, " + 2 * hidden + ":").reshape(n, heads, hd).transpose(1, 0, 2);
            NDArray scores = q.matMul(k.transpose(0, 2, 1)).div(Math.sqrt(hd)).add(mask);
            NDArray attn = scores.softmax(-1).matMul(v).transpose(1, 0, 2).reshape(n, hidden);
            h = h.add(ctx.conv1d(attn, p + "attn.c_proj"));
            x = layerNorm(ctx, h, p + "ln_2", c.normEps());
            h = h.add(ctx.conv1d(geluNew(ctx.conv1d(x, p + "mlp.c_fc")), p + "mlp.c_proj"));
        }
        h = layerNorm(ctx, h, "ln_f", c.normEps());
        NDArray head = ctx.has("lm_head.weight") ? ctx.w("lm_head.weight") : wte;
        return h.matMul(head.transpose());
    }

}
