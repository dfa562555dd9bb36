package dev.whittle.engine;

import dev.whittle.engine.kernel.KernelSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise and reduction steps of the forward pass (norms, softmax, RoPE, activations, attention
 * dot products) over float arrays with the Vector API. Every method is a pure function of its inputs that
 * gives the same bits on any thread and in any JIT state: lane sums are added in a fixed order
 * ({@link KernelSpecies#sum(FloatVector)}; the intrinsic {@code reduceLanes} may reassociate), and e^x comes from {@link VectorExp} (adds, multiplies and
 * FMAs only) rather than the vector EXP/TANH, whose intrinsic and fallback implementations round differently.
 * Loop tails use the scalar twins of the same operations, so an element's result does not depend on its
 * position.
 * <p>
 * Plain scalar references: {@link dev.whittle.engine.kernel.ScalarOps}; {@code ForwardVectorOpsTest} holds these
 * methods to them. (An unused second vector implementation, {@code kernel.VectorOps}, written concurrently on
 * another branch, was removed in favour of this one, which the engine runs.)
 */
final class ForwardVectorOps {
    private static final VectorSpecies<Float> S = KernelSpecies.F; // the width -Dwhittle.vectorBits chose
    private static final int L = S.length();

    private ForwardVectorOps() {}

    static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
        int i = 0;
        float sum = 0f;
        if (len >= L) {
            FloatVector acc = FloatVector.zero(S);
            for (; i <= len - L; i += L) {
                acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
            }
            sum = KernelSpecies.sum(acc);
        }
        for (; i < len; i++) sum += a[aOff + i] * b[bOff + i];
        return sum;
    }

    /**
     * out[j] = dot(q, row j of k) · scale for j < count, rows {@code kStride} apart from {@code kOff}: attention's
     * scores. Four rows at a time, each with exactly {@link #dot}'s operations and order (same bits), so four
     * independent FMA chains and lane sums overlap instead of one row's chain waiting on itself.
     */
    static void dotRows(float[] q, int qOff, float[] k, int kOff, int kStride, int count, int dim, float scale, float[] out) {
        int j = 0;
        if (dim >= L) {
            for (; j + 4 <= count; j += 4) {
                int r0 = kOff + j * kStride, r1 = r0 + kStride, r2 = r1 + kStride, r3 = r2 + kStride;
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                int i = 0;
                for (; i <= dim - L; i += L) {
                    FloatVector qv = FloatVector.fromArray(S, q, qOff + i);
                    a0 = qv.fma(FloatVector.fromArray(S, k, r0 + i), a0);
                    a1 = qv.fma(FloatVector.fromArray(S, k, r1 + i), a1);
                    a2 = qv.fma(FloatVector.fromArray(S, k, r2 + i), a2);
                    a3 = qv.fma(FloatVector.fromArray(S, k, r3 + i), a3);
                }
                float s0 = KernelSpecies.sum(a0), s1 = KernelSpecies.sum(a1), s2 = KernelSpecies.sum(a2), s3 = KernelSpecies.sum(a3);
                for (; i < dim; i++) {
                    float qi = q[qOff + i];
                    s0 += qi * k[r0 + i];
                    s1 += qi * k[r1 + i];
                    s2 += qi * k[r2 + i];
                    s3 += qi * k[r3 + i];
                }
                out[j] = s0 * scale;
                out[j + 1] = s1 * scale;
                out[j + 2] = s2 * scale;
                out[j + 3] = s3 * scale;
            }
        }
        for (; j < count; j++) out[j] = dot(q, qOff, k, kOff + j * kStride, dim) * scale;
    }

    /** y[yOff..] += alpha * x[xOff..] */
    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (; i <= len - L; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < len; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    /**
     * out[outOff + d] += Σ_j w[j] · v[vOff + j·vStride + d] for d < dim, j < len: attention's weighted sum of value
     * rows. Each output element gets exactly {@link #axpy}'s fma sequence over j (same bits as calling it per
     * row), but four vectors of it stay in registers across all rows instead of being loaded and stored for
     * every row, which chained each row's FMAs behind a store-to-load round trip.
     */
    static void weightedRowSum(float[] w, int len, float[] v, int vOff, int vStride, float[] out, int outOff, int dim) {
        int d = 0;
        for (; d + 4 * L <= dim; d += 4 * L) {
            int o = outOff + d;
            FloatVector a0 = FloatVector.fromArray(S, out, o), a1 = FloatVector.fromArray(S, out, o + L);
            FloatVector a2 = FloatVector.fromArray(S, out, o + 2 * L), a3 = FloatVector.fromArray(S, out, o + 3 * L);
            for (int j = 0; j < len; j++) {
                FloatVector wj = FloatVector.broadcast(S, w[j]);
                int r = vOff + j * vStride + d;
                a0 = FloatVector.fromArray(S, v, r).fma(wj, a0);
                a1 = FloatVector.fromArray(S, v, r + L).fma(wj, a1);
                a2 = FloatVector.fromArray(S, v, r + 2 * L).fma(wj, a2);
                a3 = FloatVector.fromArray(S, v, r + 3 * L).fma(wj, a3);
            }
            a0.intoArray(out, o);
            a1.intoArray(out, o + L);
            a2.intoArray(out, o + 2 * L);
            a3.intoArray(out, o + 3 * L);
        }
        for (; d + L <= dim; d += L) {
            int o = outOff + d;
            FloatVector a = FloatVector.fromArray(S, out, o);
            for (int j = 0; j < len; j++) a = FloatVector.fromArray(S, v, vOff + j * vStride + d).fma(FloatVector.broadcast(S, w[j]), a);
            a.intoArray(out, o);
        }
        for (; d < dim; d++) {
            float a = out[outOff + d];
            for (int j = 0; j < len; j++) a += w[j] * v[vOff + j * vStride + d];
            out[outOff + d] = a;
        }
    }

    /** y[yOff..] += x[xOff..] */
    static void add(float[] x, int xOff, float[] y, int yOff, int len) {
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector.fromArray(S, x, xOff + i).add(FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < len; i++) y[yOff + i] += x[xOff + i];
    }

    static float sumOfSquares(float[] x, int off, int len) {
        return dot(x, off, x, off, len);
    }

    /** out = x * w / sqrt(mean(x²) + eps), as HF's LlamaRMSNorm (normalise, then scale). */
    static void rmsNorm(float[] x, int xOff, float[] w, float eps, float[] out, int outOff, int len) {
        float inv = (float) (1.0 / Math.sqrt(sumOfSquares(x, xOff, len) / len + eps));
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(inv).mul(FloatVector.fromArray(S, w, i)).intoArray(out, outOff + i);
        }
        for (; i < len; i++) out[outOff + i] = x[xOff + i] * inv * w[i];
    }

    /**
     * out = (x - mean) / sqrt(var + eps) * w + b, biased variance as torch.nn.LayerNorm. Corrected two-pass: the
     * second pass also sums the deviations, which repays the float rounding of the first pass's mean (for inputs
     * with a large common offset that rounding alone moved outputs near zero by 1e-3 relative).
     */
    static void layerNorm(float[] x, int xOff, float[] w, float[] b, float eps, float[] out, int outOff, int len) {
        float mean0 = KernelSpecies.sum(x, xOff, len) / len;
        int i = 0;
        FloatVector vm = FloatVector.broadcast(S, mean0);
        float dev = 0f, sq = 0f;
        if (len >= L) {
            FloatVector accD = FloatVector.zero(S), accSq = accD;
            for (; i <= len - L; i += L) {
                FloatVector d = FloatVector.fromArray(S, x, xOff + i).sub(vm);
                accD = accD.add(d);
                accSq = d.fma(d, accSq);
            }
            dev = KernelSpecies.sum(accD);
            sq = KernelSpecies.sum(accSq);
        }
        for (; i < len; i++) {
            float d = x[xOff + i] - mean0;
            dev += d;
            sq += d * d;
        }
        float correction = dev / len;
        float mean = mean0 + correction;
        float var = Math.max(0f, sq / len - correction * correction);
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        vm = FloatVector.broadcast(S, mean);
        i = 0;
        for (; i <= len - L; i += L) {
            FloatVector.fromArray(S, x, xOff + i).sub(vm).mul(inv)
                    .fma(FloatVector.fromArray(S, w, i), FloatVector.fromArray(S, b, i)).intoArray(out, outOff + i);
        }
        for (; i < len; i++) out[outOff + i] = (x[xOff + i] - mean) * inv * w[i] + b[i];
    }

    /** In-place softmax of x[off .. off+len). */
    static void softmax(float[] x, int off, int len) {
        int i = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (len >= L) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i <= len - L; i += L) m = m.max(FloatVector.fromArray(S, x, off + i));
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < len; i++) max = Math.max(max, x[off + i]);
        i = 0;
        for (; i <= len - L; i += L) VectorExp.exp(FloatVector.fromArray(S, x, off + i).sub(max)).intoArray(x, off + i);
        for (; i < len; i++) x[off + i] = VectorExp.exp(x[off + i] - max);
        float inv = 1f / KernelSpecies.sum(x, off, len);
        scale(x, off, len, inv);
    }

    static void scale(float[] x, int off, int len, float factor) {
        int i = 0;
        for (; i <= len - L; i += L) FloatVector.fromArray(S, x, off + i).mul(factor).intoArray(x, off + i);
        for (; i < len; i++) x[off + i] *= factor;
    }

    /** gate[i] = silu(gate[i]) * up[i], the gated MLP of Llama-family models. */
    static void siluMul(float[] gate, float[] up, int len) {
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector g = FloatVector.fromArray(S, gate, i);
            g.div(VectorExp.exp(g.neg()).add(1f)).mul(FloatVector.fromArray(S, up, i)).intoArray(gate, i);
        }
        for (; i < len; i++) {
            float g = gate[i];
            gate[i] = g / (VectorExp.exp(-g) + 1f) * up[i];
        }
    }

    /** x[i] = silu(x[i]) = x / (1 + e^-x). */
    static void silu(float[] x, int len) {
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.div(VectorExp.exp(v.neg()).add(1f)).intoArray(x, i);
        }
        for (; i < len; i++) x[i] = x[i] / (VectorExp.exp(-x[i]) + 1f);
    }

    private static final float GELU_C = (float) Math.sqrt(2.0 / Math.PI);

    /**
     * GPT-2's gelu_new (tanh approximation): 0.5 x (1 + tanh(z)) with z = √(2/π) (x + 0.044715 x³), computed as
     * the identical x / (1 + e^(−2z)), which has no cancellation where 1 + tanh(z) is small.
     */
    static void geluTanh(float[] x, int len) {
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector z2 = v.mul(v).mul(v).mul(0.044715f).add(v).mul(-2f * GELU_C);
            v.div(VectorExp.exp(z2).add(1f)).intoArray(x, i);
        }
        for (; i < len; i++) {
            float v = x[i];
            float z2 = (v * v * v * 0.044715f + v) * (-2f * GELU_C);
            x[i] = v / (VectorExp.exp(z2) + 1f);
        }
    }

    /** Exact gelu: 0.5 x (1 + erf(x / √2)). Scalar; only older configs ask for it. */
    static void geluErf(float[] x, int len) {
        for (int i = 0; i < len; i++) x[i] = (float) (0.5 * x[i] * (1 + Erf.erf(x[i] / Math.sqrt(2))));
    }

    /**
     * Rotary embedding in HF's rotate-half layout: element i pairs with i + headDim/2, both rotated by the
     * angle whose cos/sin are cos[i], sin[i] (i < headDim/2).
     */
    static void ropeRotateHalf(float[] x, int off, int headDim, float[] cos, float[] sin) {
        int half = headDim / 2;
        int i = 0;
        for (; i <= half - L; i += L) {
            FloatVector a = FloatVector.fromArray(S, x, off + i);
            FloatVector b = FloatVector.fromArray(S, x, off + half + i);
            FloatVector c = FloatVector.fromArray(S, cos, i);
            FloatVector s = FloatVector.fromArray(S, sin, i);
            a.mul(c).sub(b.mul(s)).intoArray(x, off + i);
            b.mul(c).add(a.mul(s)).intoArray(x, off + half + i);
        }
        for (; i < half; i++) {
            float a = x[off + i];
            float b = x[off + half + i];
            x[off + i] = a * cos[i] - b * sin[i];
            x[off + half + i] = b * cos[i] + a * sin[i];
        }
    }
}
