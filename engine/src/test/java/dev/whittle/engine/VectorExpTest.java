package dev.whittle.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorExpTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Inputs across the whole useful range, plus the edges and special values. */
    private static float[] inputs() {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] special = {0f, -0f, 1f, -1f, 0.5f, 88.7f, 88.72283f, 88.73f, 89f, -87.33f, -87.34f, -100f, -103.9f,
                -103.98f, -110f, 1e-30f, -1e-30f, 0.34657f, -0.34657f, 0.34658f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN, Float.MAX_VALUE, -Float.MAX_VALUE};
        int n = 1 << 18;
        float[] x = new float[n];
        System.arraycopy(special, 0, x, 0, special.length);
        for (int i = special.length; i < n; i++) x[i] = (float) (rnd.nextDouble() * 200 - 108);
        return x;
    }

    private static float[] vectorExp(float[] x) {
        float[] y = new float[x.length];
        int i = 0;
        for (; i <= x.length - S.length(); i += S.length()) VectorExp.exp(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        for (; i < x.length; i++) y[i] = VectorExp.exp(x[i]);
        return y;
    }

    /** Within 2 ulp of the correctly rounded e^x (Math.exp in double, rounded once). */
    @Test
    void matchesMathExpWithinTwoUlp() {
        float[] x = inputs();
        float[] y = vectorExp(x);
        for (int i = 0; i < x.length; i++) {
            float want = (float) Math.exp(x[i]);
            if (Float.isNaN(want) || Float.isInfinite(want) || want == 0f) {
                assertEquals(want, y[i], "exp(" + x[i] + ")");
                continue;
            }
            // subnormal results: the ulp of the smallest normal
            float ulp = Math.max(Math.ulp(want), Float.MIN_VALUE);
            assertTrue(Math.abs(y[i] - want) <= 2 * ulp, "exp(" + x[i] + ") = " + y[i] + ", want " + want);
        }
    }

    /** The scalar twin gives the same bits as a lane, so loop tails agree with vector bodies. */
    @Test
    void scalarTwinGivesTheSameBitsAsTheLanes() {
        float[] x = inputs();
        float[] y = vectorExp(x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(y[i]), Float.floatToRawIntBits(VectorExp.exp(x[i])), "exp(" + x[i] + ")");
        }
    }

    @Test
    void edgesAndSpecialValues() {
        assertEquals(1f, VectorExp.exp(0f));
        assertEquals(1f, VectorExp.exp(-0f));
        assertEquals(Float.POSITIVE_INFINITY, VectorExp.exp(Float.POSITIVE_INFINITY));
        assertEquals(0f, VectorExp.exp(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(VectorExp.exp(Float.NaN)));
        assertTrue(Float.isFinite(VectorExp.exp(88.72283f)), "largest finite");
        assertEquals(Float.POSITIVE_INFINITY, VectorExp.exp(88.73f));
        assertEquals((float) Math.exp(-100), VectorExp.exp(-100f), 2 * Float.MIN_VALUE, "subnormal result");
        assertEquals(0f, VectorExp.exp(-104f));
    }

    /** SiLU, gelu_new and softmax against double-precision references over a vector body and a tail. */
    @Test
    void activationsAndSoftmaxMatchDoubleReferences() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 8 * S.length() + 5;
        float[] a = new float[n], up = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 40 - 20);
            up[i] = (float) (rnd.nextDouble() * 4 - 2);
        }
        float[] silu = a.clone(), siluMul = a.clone(), gelu = a.clone(), soft = a.clone();
        ForwardVectorOps.silu(silu, n);
        ForwardVectorOps.siluMul(siluMul, up, n);
        ForwardVectorOps.geluTanh(gelu, n);
        ForwardVectorOps.softmax(soft, 0, n);
        double max = Double.NEGATIVE_INFINITY, z = 0;
        for (float v : a) max = Math.max(max, v);
        for (float v : a) z += Math.exp(v - max);
        for (int i = 0; i < n; i++) {
            double x = a[i];
            double s = x / (1 + Math.exp(-x));
            double g = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            double p = Math.exp(x - max) / z;
            assertEquals(s, silu[i], 1e-6 * (1 + Math.abs(s)), "silu(" + x + ")");
            assertEquals(s * up[i], siluMul[i], 1e-6 * (1 + Math.abs(s * up[i])), "silu(" + x + ")*" + up[i]);
            assertEquals(g, gelu[i], 1e-6 * (1 + Math.abs(g)), "gelu_new(" + x + ")");
            assertEquals(p, soft[i], 1e-6 * p + 1e-12, "softmax element " + i);
        }
    }
}
