package dev.whittle.quantize;

import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.RopeScaling;

import java.util.stream.IntStream;

/**
 * The Llama-family decoder math over a calibration batch of {@code sequences × seqLen} tokens (activations flat,
 * row-major, one row per token, sequences one after another), as HF's LlamaDecoderLayer computes it: RMSNorm,
 * q/k/v, rotate-half RoPE, causal GQA attention per sequence, o, residual, SiLU-gated MLP, residual. Used to carry
 * calibration activations layer by layer and to measure a group's output error; tests check it against the engine.
 */
final class LayerMath {
    private final ModelConfig c;
    private final int seqLen;
    private final double[] invFreq;
    private final float[] cos;
    private final float[] sin;

    LayerMath(ModelConfig c, int seqLen) {
        this.c = c;
        this.seqLen = seqLen;
        this.invFreq = invFreq(c);
        int half = invFreq.length;
        this.cos = new float[seqLen * half];
        this.sin = new float[seqLen * half];
        for (int pos = 0; pos < seqLen; pos++) {
            for (int i = 0; i < half; i++) {
                double a = pos * invFreq[i];
                cos[pos * half + i] = (float) Math.cos(a);
                sin[pos * half + i] = (float) Math.sin(a);
            }
        }
    }

    int seqLen() {
        return seqLen;
    }

    static float[] rmsNorm(float[] x, int n, float[] w, double eps) {
        int d = w.length;
        float[] out = new float[n * d];
        IntStream.range(0, n).parallel().forEach(t -> {
            double ss = 0;
            for (int i = 0; i < d; i++) ss += (double) x[t * d + i] * x[t * d + i];
            float inv = (float) (1.0 / Math.sqrt(ss / d + eps));
            for (int i = 0; i < d; i++) out[t * d + i] = x[t * d + i] * inv * w[i];
        });
        return out;
    }

    /** y = x Wᵀ + b for n rows; W is [out × in] (the engine's vectorised F32 matmul). */
    static float[] linear(float[] x, int n, float[] w, int out, int in, float[] bias) {
        float[] y = FloatMatmul.multiplyTransposed(w, out, in, x, n);
        if (bias != null) {
            for (int t = 0; t < n; t++) {
                int o = t * out;
                for (int r = 0; r < out; r++) y[o + r] += bias[r];
            }
        }
        return y;
    }

    /** Causal attention of q [n × qDim], k, v [n × kvDim] (RoPE applied here) → [n × qDim]. */
    float[] attention(float[] q, float[] k, float[] v, int n) {
        int heads = c.numHeads();
        int kvHeads = c.numKvHeads();
        int hd = c.headDim();
        int qd = c.qDim();
        int kvd = c.kvDim();
        float[] qr = q.clone();
        float[] kr = k.clone();
        IntStream.range(0, n).parallel().forEach(t -> {
            int pos = t % seqLen;
            for (int h = 0; h < heads; h++) rope(qr, t * qd + h * hd, pos);
            for (int h = 0; h < kvHeads; h++) rope(kr, t * kvd + h * hd, pos);
        });
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] out = new float[n * qd];
        IntStream.range(0, n * heads).parallel().forEach(idx -> {
            int t = idx / heads;
            int h = idx % heads;
            int pos = t % seqLen;
            int first = t - pos;
            int kvOff = (h / group) * hd;
            double[] s = new double[pos + 1];
            double max = Double.NEGATIVE_INFINITY;
            int qo = t * qd + h * hd;
            for (int j = 0; j <= pos; j++) {
                float dot = VectorDot.dot(qr, qo, kr, (first + j) * kvd + kvOff, hd);
                s[j] = dot * scale;
                max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j <= pos; j++) {
                s[j] = Math.exp(s[j] - max);
                sum += s[j];
            }
            for (int j = 0; j <= pos; j++) {
                float p = (float) (s[j] / sum);
                int vo = (first + j) * kvd + kvOff;
                for (int i = 0; i < hd; i++) out[t * qd + h * hd + i] += p * v[vo + i];
            }
        });
        return out;
    }

    private void rope(float[] x, int off, int pos) {
        int half = invFreq.length;
        for (int i = 0; i < half; i++) {
            float cs = cos[pos * half + i];
            float sn = sin[pos * half + i];
            float x0 = x[off + i];
            float x1 = x[off + half + i];
            x[off + i] = x0 * cs - x1 * sn;
            x[off + half + i] = x1 * cs + x0 * sn;
        }
    }

    /** silu(gate) * up, element-wise. */
    static float[] siluMul(float[] gate, float[] up) {
        float[] out = new float[gate.length];
        for (int i = 0; i < gate.length; i++) {
            float g = gate[i];
            out[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
        return out;
    }

    static void addInto(float[] y, float[] x) {
        for (int i = 0; i < y.length; i++) y[i] += x[i];
    }

    /** HF's rope inverse frequencies (default, linear and llama3 scaling). */
    static double[] invFreq(ModelConfig c) {
        int half = c.headDim() / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) inv[i] = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / c.headDim());
        RopeScaling s = c.ropeScaling();
        if (s == null || s.isNone() || "default".equals(s.type())) return inv;
        switch (s.type()) {
            case "linear" -> {
                for (int i = 0; i < half; i++) inv[i] /= s.factor();
            }
            case "llama3" -> {
                double old = s.originalMaxPositionEmbeddings();
                double low = old / s.lowFreqFactor();
                double high = old / s.highFreqFactor();
                for (int i = 0; i < half; i++) {
                    double wl = 2 * Math.PI / inv[i];
                    if (wl > low) inv[i] /= s.factor();
                    else if (wl >= high) {
                        double sm = (old / wl - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                        inv[i] = (1 - sm) * inv[i] / s.factor() + sm * inv[i];
                    }
                }
            }
            default -> throw new IllegalArgumentException("unsupported rope_scaling type '" + s.type() + "'");
        }
        return inv;
    }
}
