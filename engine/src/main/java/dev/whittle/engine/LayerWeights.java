package dev.whittle.engine;

/**
 * One transformer block. Llama-family blocks have separate q/k/v and a gated MLP (gate non-null); GPT-2
 * blocks have a fused qkv projection and a plain MLP (up = c_fc, down = c_proj).
 */
record LayerWeights(Norm attentionNorm, Projection q, Projection k, Projection v, Projection qkv, Projection o,
                    Norm mlpNorm, Projection gate, Projection up, Projection down) {
    boolean fusedQkv() {
        return qkv != null;
    }

    boolean gated() {
        return gate != null;
    }
}
