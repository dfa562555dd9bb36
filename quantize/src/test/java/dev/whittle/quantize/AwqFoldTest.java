package dev.whittle.quantize;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** AWQ's scale folding leaves the full-precision function unchanged; only the rounding sees the scales. */
class AwqFoldTest {
    static float[] random(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }

    static float[] positive(Random r, int n) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) s[i] = (float) Math.exp(r.nextGaussian());
        return s;
    }

    static void assertClose(float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-4 * (1 + Math.abs(want[i])), "element " + i);
    }

    @Test
    void normFoldKeepsTheLinearOutput() {
        Random r = new Random(1);
        int n = 10, in = 64, out = 48;
        float[] x = random(r, n * in, 1);
        float[] norm = random(r, in, 1);
        float[] w = random(r, out * in, 0.1);
        float[] ref = LayerMath.linear(LayerMath.rmsNorm(x, n, norm, 1e-5), n, w, out, in, null);
        float[] s = positive(r, in);
        float[] norm2 = norm.clone();
        float[] w2 = w.clone();
        LayerQuantizer.foldIntoNorm(norm2, s);
        LayerQuantizer.scaleColumns(w2, s);
        assertClose(ref, LayerMath.linear(LayerMath.rmsNorm(x, n, norm2, 1e-5), n, w2, out, in, null));
    }

    @Test
    void upToDownFoldKeepsTheMlpOutput() {
        Random r = new Random(2);
        int n = 6, h = 32, ff = 80;
        float[] x = random(r, n * h, 1);
        float[] gate = random(r, ff * h, 0.2);
        float[] up = random(r, ff * h, 0.2);
        float[] down = random(r, h * ff, 0.2);
        float[] ref = LayerMath.linear(LayerMath.siluMul(LayerMath.linear(x, n, gate, ff, h, null), LayerMath.linear(x, n, up, ff, h, null)), n, down, h, ff, null);
        float[] s = positive(r, ff);
        float[] up2 = up.clone();
        float[] down2 = down.clone();
        LayerQuantizer.scaleRowsDown(up2, s, h);
        LayerQuantizer.scaleColumns(down2, s);
        assertClose(ref, LayerMath.linear(LayerMath.siluMul(LayerMath.linear(x, n, gate, ff, h, null), LayerMath.linear(x, n, up2, ff, h, null)), n, down2, h, ff, null));
    }
}
