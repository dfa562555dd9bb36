package dev.whittle.core.synth;

import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.ModelConfig;

import java.util.ArrayList;
import java.util.List;

/** The canonical tensor list (names and shapes) a config implies, in llama.cpp's file order. */
public final class SynthTensors {
    /** A tensor to generate: 1-D ones are norm gains or biases. */
    public record Spec(String name, long[] shape, boolean isNormGain) {
        public boolean isMatrix() { return shape.length == 2; }
    }

    private SynthTensors() {}

    public static List<Spec> of(ModelConfig c) {
        return c.architecture() == Architecture.GPT2 ? gpt2(c) : llama(c);
    }

    private static List<Spec> llama(ModelConfig c) {
        List<Spec> s = new ArrayList<>();
        long h = c.hiddenSize(), q = c.qDim(), kv = c.kvDim(), f = c.intermediateSize();
        s.add(new Spec("model.embed_tokens.weight", new long[] {c.vocabSize(), h}, false));
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            s.add(new Spec(p + "input_layernorm.weight", new long[] {h}, true));
            s.add(new Spec(p + "self_attn.q_proj.weight", new long[] {q, h}, false));
            s.add(new Spec(p + "self_attn.k_proj.weight", new long[] {kv, h}, false));
            s.add(new Spec(p + "self_attn.v_proj.weight", new long[] {kv, h}, false));
            if (c.attentionBias()) {
                s.add(new Spec(p + "self_attn.q_proj.bias", new long[] {q}, false));
                s.add(new Spec(p + "self_attn.k_proj.bias", new long[] {kv}, false));
                s.add(new Spec(p + "self_attn.v_proj.bias", new long[] {kv}, false));
            }
            s.add(new Spec(p + "self_attn.o_proj.weight", new long[] {h, q}, false));
            s.add(new Spec(p + "post_attention_layernorm.weight", new long[] {h}, true));
            s.add(new Spec(p + "mlp.gate_proj.weight", new long[] {f, h}, false));
            s.add(new Spec(p + "mlp.up_proj.weight", new long[] {f, h}, false));
            s.add(new Spec(p + "mlp.down_proj.weight", new long[] {h, f}, false));
        }
        s.add(new Spec("model.norm.weight", new long[] {h}, true));
        if (!c.tieWordEmbeddings()) s.add(new Spec("lm_head.weight", new long[] {c.vocabSize(), h}, false));
        return s;
    }

    private static List<Spec> gpt2(ModelConfig c) {
        List<Spec> s = new ArrayList<>();
        long h = c.hiddenSize(), f = c.intermediateSize();
        s.add(new Spec("wte.weight", new long[] {c.vocabSize(), h}, false));
        s.add(new Spec("wpe.weight", new long[] {c.contextLength(), h}, false));
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "h." + l + ".";
            s.add(new Spec(p + "ln_1.weight", new long[] {h}, true));
            s.add(new Spec(p + "ln_1.bias", new long[] {h}, false));
            s.add(new Spec(p + "attn.c_attn.weight", new long[] {3 * h, h}, false));
            s.add(new Spec(p + "attn.c_attn.bias", new long[] {3 * h}, false));
            s.add(new Spec(p + "attn.c_proj.weight", new long[] {h, h}, false));
            s.add(new Spec(p + "attn.c_proj.bias", new long[] {h}, false));
            s.add(new Spec(p + "ln_2.weight", new long[] {h}, true));
            s.add(new Spec(p + "ln_2.bias", new long[] {h}, false));
            s.add(new Spec(p + "mlp.c_fc.weight", new long[] {f, h}, false));
            s.add(new Spec(p + "mlp.c_fc.bias", new long[] {f}, false));
            s.add(new Spec(p + "mlp.c_proj.weight", new long[] {h, f}, false));
            s.add(new Spec(p + "mlp.c_proj.bias", new long[] {h}, false));
        }
        s.add(new Spec("ln_f.weight", new long[] {h}, true));
        s.add(new Spec("ln_f.bias", new long[] {h}, false));
        return s;
    }
}
