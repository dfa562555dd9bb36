package dev.whittle.engine.kernel;

/**
 * Plain scalar references for the forward pass's element-wise ops (the engine's {@code ForwardVectorOps}),
 * written straight from the definitions; {@code ForwardVectorOpsTest} holds the vector versions to them. Arrays
 * are addressed with explicit offsets.
 */
public final class ScalarOps {
    private ScalarOps() {}

    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /** y += alpha * x. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    /** x *= s. */
    public static void scale(float[] x, int off, int n, float s) {
        for (int i = 0; i < n; i++) x[off + i] *= s;
    }

    /** out = x / sqrt(mean(x^2) + eps) * weight. */
    public static void rmsNorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int n, float eps) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) x[xOff + i] * x[xOff + i];
        float inv = (float) (1 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] * inv * weight[i];
    }

    /** out = (x - mean) / sqrt(var + eps) * weight + bias (biased variance, as PyTorch's LayerNorm). */
    public static void layerNorm(float[] out, int outOff, float[] x, int xOff, float[] weight, float[] bias, int n, float eps) {
        double mean = 0;
        for (int i = 0; i < n; i++) mean += x[xOff + i];
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) var += (x[xOff + i] - mean) * (x[xOff + i] - mean);
        var /= n;
        float inv = (float) (1 / Math.sqrt(var + eps));
        float m = (float) mean;
        for (int i = 0; i < n; i++) out[outOff + i] = (x[xOff + i] - m) * inv * weight[i] + bias[i];
    }

    /** In-place softmax, shifted by the maximum so exp never overflows. */
    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            x[off + i] = (float) Math.exp(x[off + i] - max);
            sum += x[off + i];
        }
        float inv = (float) (1 / sum);
        for (int i = 0; i < n; i++) x[off + i] *= inv;
    }

    /** In-place SiLU: x * sigmoid(x). */
    public static void silu(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) x[off + i] = (float) (x[off + i] / (1 + Math.exp(-x[off + i])));
    }

    /** gate = silu(gate) * up (the SwiGLU feed-forward product). */
    public static void siluMul(float[] gate, int gOff, float[] up, int uOff, int n) {
        for (int i = 0; i < n; i++) {
            double g = gate[gOff + i];
            gate[gOff + i] = (float) (g / (1 + Math.exp(-g)) * up[uOff + i]);
        }
    }

    /** In-place GELU, tanh approximation (GPT-2's gelu_new): 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))). */
    public static void geluTanh(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[off + i];
            x[off + i] = (float) (0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
        }
    }

    /** In-place exact GELU: 0.5x(1 + erf(x / sqrt 2)). */
    public static void geluErf(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[off + i];
            x[off + i] = (float) (0.5 * v * (1 + erf(v / Math.sqrt(2))));
        }
    }

    /**
     * erf in double: Maclaurin series for |x| < 3 (cancellation costs at most ~4 digits there), continued
     * fraction for erfc beyond. Accurate to ~1e-12, far below float resolution.
     */
    public static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 3) {
            double term = a, sum = a, x2 = a * a;
            for (int k = 1; k < 100; k++) {
                term *= -x2 / k;
                double add = term / (2 * k + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...))))) evaluated bottom-up
            double f = a;
            for (int k = 60; k >= 1; k--) f = a + (k / 2.0) / f;
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }

    /**
     * Rotary embedding, interleaved pairs (x[2i], x[2i+1]) as GGUF/Meta checkpoints store them, over the
     * first {@code rotaryDim} elements of the head at {@code off}; pair i turns by the angle whose cosine and
     * sine are {@code cos[csOff + i]}, {@code sin[csOff + i]}.
     */
    public static void ropeInterleaved(float[] x, int off, int rotaryDim, float[] cos, float[] sin, int csOff) {
        for (int i = 0; i < rotaryDim / 2; i++) {
            float a = x[off + 2 * i], b = x[off + 2 * i + 1], c = cos[csOff + i], s = sin[csOff + i];
            x[off + 2 * i] = a * c - b * s;
            x[off + 2 * i + 1] = a * s + b * c;
        }
    }

    /** Rotary embedding, rotate-half pairs (x[i], x[i + rotaryDim/2]) as HF/NeoX; angles as {@link #ropeInterleaved}. */
    public static void ropeHalf(float[] x, int off, int rotaryDim, float[] cos, float[] sin, int csOff) {
        int h = rotaryDim / 2;
        for (int i = 0; i < h; i++) {
            float a = x[off + i], b = x[off + i + h], c = cos[csOff + i], s = sin[csOff + i];
            x[off + i] = a * c - b * s;
            x[off + i + h] = a * s + b * c;
        }
    }
}
