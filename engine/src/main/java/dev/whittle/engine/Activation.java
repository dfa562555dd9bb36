package dev.whittle.engine;

import java.util.Locale;

/** The MLP nonlinearity named by HF's {@code hidden_act}. */
enum Activation {
    SILU, GELU_TANH, GELU_ERF;

    static Activation parse(String hiddenAct) {
        String a = hiddenAct == null ? "" : hiddenAct.toLowerCase(Locale.ROOT);
        return switch (a) {
            case "silu", "swish" -> SILU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            case "gelu" -> GELU_ERF;
            default -> throw new IllegalArgumentException("unsupported hidden_act '" + hiddenAct
                    + "' (supported: silu, gelu_new, gelu_pytorch_tanh, gelu_fast, gelu)");
        };
    }

    /** x ← act(x) over the first len elements. */
    void apply(float[] x, int len) {
        switch (this) {
            case SILU -> ForwardVectorOps.silu(x, len);
            case GELU_TANH -> ForwardVectorOps.geluTanh(x, len);
            case GELU_ERF -> ForwardVectorOps.geluErf(x, len);
        }
    }

    /** gate ← act(gate) · up, the gated MLP. */
    void applyGated(float[] gate, float[] up, int len) {
        if (this == SILU) {
            ForwardVectorOps.siluMul(gate, up, len);
            return;
        }
        apply(gate, len);
        for (int i = 0; i < len; i++) gate[i] *= up[i];
    }
}
