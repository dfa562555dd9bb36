package dev.whittle.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised elementwise kernels of the forward pass, each with a plain twin in {@link ScalarOps} (same
 * signature) that tests hold it to. Arrays are addressed with explicit offsets so callers can work on rows
 * and heads of larger buffers without copying.
 */
public final class VectorOps {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
    private static final float INV_SQRT_2 = (float) (1 / Math.sqrt(2));
    /** Lane i takes lane i ^ 1: swaps the members of each interleaved RoPE pair. */
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(F, i -> i ^ 1);
    /** -1 on even lanes, +1 on odd: the sign of the sine term per pair member. */
    private static final FloatVector PAIR_SIGN = FloatVector.fromArray(F, pairSign(), 0);
    /** Gather map duplicating each cos/sin value into both lanes of its pair: 0,0,1,1,2,2,... */
    private static final int[] PAIR_INDEX = pairIndex();

    private VectorOps() {}

    private static float[] pairSign() {
        float[] s = new float[L];
        for (int i = 0; i < L; i++) s[i] = i % 2 == 0 ? -1f : 1f;
        return s;
    }

    private static int[] pairIndex() {
        int[] m = new int[L];
        for (int i = 0; i < L; i++) m[i] = i / 2;
        return m;
    }

    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        }
        float s = KernelSpecies.sum(acc);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /** y += alpha * x. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(F, x, xOff + i).fma(FloatVector.broadcast(F, alpha), FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    /** x *= s. */
    public static void scale(float[] x, int off, int n, float s) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) FloatVector.fromArray(F, x, off + i).mul(s).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] *= s;
    }

    /** out = x / sqrt(mean(x^2) + eps) * weight. The sum of squares is taken in float lanes. */
    public static void rmsNorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int n, float eps) {
        float ss = dot(x, xOff, x, xOff, n);
        float inv = (float) (1 / Math.sqrt((double) ss / n + eps));
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(F, x, xOff + i).mul(inv).mul(FloatVector.fromArray(F, weight, i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = x[xOff + i] * inv * weight[i];
    }

    /** out = (x - mean) / sqrt(var + eps) * weight + bias; two passes (mean, then centred squares) for stability. */
    public static void layerNorm(float[] out, int outOff, float[] x, int xOff, float[] weight, float[] bias, int n, float eps) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        int upper = F.loopBound(n);
        for (; i < upper; i += L) acc = acc.add(FloatVector.fromArray(F, x, xOff + i));
        float sum = KernelSpecies.sum(acc);
        for (; i < n; i++) sum += x[xOff + i];
        float mean = sum / n;
        acc = FloatVector.zero(F);
        for (i = 0; i < upper; i += L) {
            FloatVector c = FloatVector.fromArray(F, x, xOff + i).sub(mean);
            acc = c.fma(c, acc);
        }
        float var = KernelSpecies.sum(acc);
        for (; i < n; i++) var += (x[xOff + i] - mean) * (x[xOff + i] - mean);
        float inv = (float) (1 / Math.sqrt((double) var / n + eps));
        for (i = 0; i < upper; i += L) {
            FloatVector c = FloatVector.fromArray(F, x, xOff + i).sub(mean).mul(inv);
            c.fma(FloatVector.fromArray(F, weight, i), FloatVector.fromArray(F, bias, i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = (x[xOff + i] - mean) * inv * weight[i] + bias[i];
    }

    /** In-place softmax, shifted by the maximum so exp never overflows. */
    public static void softmax(float[] x, int off, int n) {
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        int upper = F.loopBound(n);
        for (; i < upper; i += L) mv = mv.max(FloatVector.fromArray(F, x, off + i));
        float max = mv.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, x[off + i]);
        FloatVector acc = FloatVector.zero(F);
        for (i = 0; i < upper; i += L) {
            FloatVector e = FloatVector.fromArray(F, x, off + i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(x, off + i);
            acc = acc.add(e);
        }
        float sum = KernelSpecies.sum(acc);
        for (; i < n; i++) {
            x[off + i] = (float) Math.exp(x[off + i] - max);
            sum += x[off + i];
        }
        scale(x, off, n, 1 / sum);
    }

    /** In-place SiLU: x * sigmoid(x). */
    public static void silu(float[] x, int off, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            v.div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] = (float) (x[off + i] / (1 + Math.exp(-x[off + i])));
    }

    /** gate = silu(gate) * up (the SwiGLU feed-forward product). */
    public static void siluMul(float[] gate, int gOff, float[] up, int uOff, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, gOff + i);
            g.div(g.neg().lanewise(VectorOperators.EXP).add(1f)).mul(FloatVector.fromArray(F, up, uOff + i)).intoArray(gate, gOff + i);
        }
        for (; i < n; i++) {
            double g = gate[gOff + i];
            gate[gOff + i] = (float) (g / (1 + Math.exp(-g)) * up[uOff + i]);
        }
    }

    /** In-place GELU, tanh approximation (GPT-2's gelu_new). */
    public static void geluTanh(float[] x, int off, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            FloatVector inner = v.mul(v).mul(v).fma(FloatVector.broadcast(F, 0.044715f), v).mul(SQRT_2_OVER_PI);
            v.mul(0.5f).mul(inner.lanewise(VectorOperators.TANH).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            double v = x[off + i];
            x[off + i] = (float) (0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
        }
    }

    /**
     * In-place exact GELU 0.5x(1 + erf(x/sqrt 2)). The Vector API has no erf: lanes use Abramowitz & Stegun
     * 7.1.26 (|error| <= 1.5e-7, below float resolution of 1 + erf for most inputs).
     */
    public static void geluErf(float[] x, int off, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            v.mul(0.5f).mul(erf(v.mul(INV_SQRT_2)).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] = (float) (0.5 * x[off + i] * (1 + erfScalar(x[off + i] * INV_SQRT_2)));
    }

    private static FloatVector erf(FloatVector z) {
        FloatVector a = z.abs();
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector t = one.div(a.fma(FloatVector.broadcast(F, 0.3275911f), one));
        FloatVector poly = t.fma(FloatVector.broadcast(F, 1.061405429f), FloatVector.broadcast(F, -1.453152027f));
        poly = poly.fma(t, FloatVector.broadcast(F, 1.421413741f));
        poly = poly.fma(t, FloatVector.broadcast(F, -0.284496736f));
        poly = poly.fma(t, FloatVector.broadcast(F, 0.254829592f));
        poly = poly.mul(t);
        FloatVector r = poly.mul(a.mul(a).neg().lanewise(VectorOperators.EXP)).neg().add(1f);
        return r.blend(r.neg(), z.compare(VectorOperators.LT, 0f));
    }

    /** Scalar tail of {@link #erf(FloatVector)}: the same approximation. */
    private static double erfScalar(float z) {
        double a = Math.abs(z), t = 1 / (1 + 0.3275911 * a);
        double poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
        double r = 1 - poly * Math.exp(-a * a);
        return z < 0 ? -r : r;
    }

    /**
     * RoPE on interleaved pairs (x[2i], x[2i+1]) over the first {@code rotaryDim} elements at {@code off}; pair
     * i turns by the angle with cosine {@code cos[csOff + i]} and sine {@code sin[csOff + i]}.
     */
    public static void ropeInterleaved(float[] x, int off, int rotaryDim, float[] cos, float[] sin, int csOff) {
        int i = 0;
        for (int upper = F.loopBound(rotaryDim); i < upper; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            FloatVector c = FloatVector.fromArray(F, cos, csOff + i / 2, PAIR_INDEX, 0);
            FloatVector s = FloatVector.fromArray(F, sin, csOff + i / 2, PAIR_INDEX, 0).mul(PAIR_SIGN);
            v.mul(c).add(v.rearrange(SWAP_PAIRS).mul(s)).intoArray(x, off + i);
        }
        for (; i + 1 < rotaryDim; i += 2) {
            float a = x[off + i], b = x[off + i + 1], c = cos[csOff + i / 2], s = sin[csOff + i / 2];
            x[off + i] = a * c - b * s;
            x[off + i + 1] = a * s + b * c;
        }
    }

    /** RoPE on rotate-half pairs (x[i], x[i + rotaryDim/2]) as HF/NeoX; angles as {@link #ropeInterleaved}. */
    public static void ropeHalf(float[] x, int off, int rotaryDim, float[] cos, float[] sin, int csOff) {
        int h = rotaryDim / 2;
        int i = 0;
        for (int upper = F.loopBound(h); i < upper; i += L) {
            FloatVector a = FloatVector.fromArray(F, x, off + i), b = FloatVector.fromArray(F, x, off + h + i);
            FloatVector c = FloatVector.fromArray(F, cos, csOff + i), s = FloatVector.fromArray(F, sin, csOff + i);
            a.mul(c).sub(b.mul(s)).intoArray(x, off + i);
            a.mul(s).add(b.mul(c)).intoArray(x, off + h + i);
        }
        for (; i < h; i++) {
            float a = x[off + i], b = x[off + i + h], c = cos[csOff + i], s = sin[csOff + i];
            x[off + i] = a * c - b * s;
            x[off + i + h] = a * s + b * c;
        }
    }
}
