package dev.whittle.core.intq;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntQuantizerTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void symmetricScaleIsAbsmaxOverHalfTheRangeWithHalfEvenRounding() {
        // absmax 1 -> scale 1/127.5 (F16-rounded); -1/scale = -127.5... rounds half-even to -128, +1 clamps to 127
        IntScheme s = IntScheme.of(8, 0, true);
        var q = IntQuantizer.quantize(new float[] {-1f, 1f, 0.5f, 0f}, 0, 4, s);
        float scale = Float.float16ToFloat(Float.floatToFloat16(1f / 127.5f));
        assertEquals(scale, q.scales()[0]);
        assertEquals((int) Math.rint(Math.clamp(-1f / scale, -128, 127)), q.values()[0]);
        assertEquals(127, q.values()[1]);
        assertEquals(Math.round(0.5f / scale), q.values()[2]);
        assertEquals(0, q.values()[3]);
        // exact half: w/scale = 2.5 rounds to 2 (torch.round is half-to-even), 3.5 to 4
        IntScheme f32 = new IntScheme(4, 0, true, DType.F32);
        var h = IntQuantizer.quantize(new float[] {7.5f, 2.5f, 3.5f, -2.5f}, 0, 4, f32); // scale = 7.5 / 7.5 = 1
        assertEquals(1f, h.scales()[0]);
        assertArrayEquals(new int[] {7, 2, 4, -2}, h.values());
    }

    @Test
    void asymmetricUsesMinMaxWithAZeroPoint() {
        // 4-bit asym, F32 scales: w in [0, 3] -> min clamps to 0, scale = 3/15 = 0.2, zp = round(-8 - 0) = -8
        IntScheme s = new IntScheme(4, 0, false, DType.F32);
        var q = IntQuantizer.quantize(new float[] {0f, 1f, 3f}, 0, 3, s);
        assertEquals(3f / 15f, q.scales()[0]);
        assertEquals(-8, q.zeroPoints()[0]);
        assertArrayEquals(new int[] {-8, (int) Math.rint(1f / (3f / 15f)) - 8, 7}, q.values());
        // w in [-1, 2]: scale 0.2, zp = round(-8 + 5) = -3
        var r = IntQuantizer.quantize(new float[] {-1f, 2f}, 0, 2, s);
        assertEquals(-3, r.zeroPoints()[0]);
        assertArrayEquals(new int[] {-8, 7}, r.values());
    }

    @Test
    void everyWeightIsWithinHalfAStepAndRmseIsBounded() {
        Random rnd = new Random(7);
        int rows = 64, cols = 256;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian() * 0.02f;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4L * w.length);
            MemorySegment.copy(w, 0, seg, F32, 0, w.length);
            Tensor t = new Tensor("w", new long[] {rows, cols}, DType.F32, seg);
            double int8 = relRmse(t, w, IntScheme.of(8, 0, true), arena);
            double int4 = relRmse(t, w, IntScheme.of(4, 32, true), arena);
            double int4a = relRmse(t, w, IntScheme.of(4, 32, false), arena);
            double int4g128 = relRmse(t, w, IntScheme.of(4, 128, true), arena);
            double int2 = relRmse(t, w, IntScheme.of(2, 32, false), arena);
            System.out.printf("rel. RMSE on N(0, 0.02) 64×256: int8-channel %.4f  int4-g32-sym %.4f  int4-g32-asym %.4f  int4-g128-sym %.4f  int2-g32-asym %.4f%n", int8, int4, int4a, int4g128, int2);
            assertTrue(int8 < 0.01, "INT8 per-channel rel. RMSE " + int8);
            // uniform rounding noise: step/sqrt(12); for Gaussian groups of 32, step ≈ 2·2.0σ/15 -> ≈ 8 %
            assertTrue(int4 < 0.12, "INT4 g32 sym rel. RMSE " + int4);
            assertTrue(int4a < 0.12, "INT4 g32 asym rel. RMSE " + int4a);
            assertTrue(int4 < int4g128, "smaller groups must not be worse: " + int4 + " vs " + int4g128);
            assertTrue(int2 > int4a && int2 < 0.6, "INT2 g32 rel. RMSE " + int2);
        }
    }

    private static double relRmse(Tensor t, float[] w, IntScheme s, Arena arena) {
        GroupedIntWeight g = IntQuantizer.quantize(t, s, arena);
        float[] row = new float[g.cols()];
        double err = 0, ref = 0;
        for (int r = 0; r < g.rows(); r++) {
            g.dequantizeRow(r, row);
            for (int c = 0; c < g.cols(); c++) {
                float x = w[r * g.cols() + c];
                double d = row[c] - x;
                int grp = c / g.groupSize();
                // RTN: within half a step; at the clamped extremes the F16 rounding of the scale (relative 2^-11)
                // can move the range end by up to 2^(b-1) · 2^-11 steps more
                double bound = g.scale(r, grp) * (0.5 + Math.scalb(1.0, s.bits() - 1 - 11)) * (1 + 1e-6);
                assertTrue(Math.abs(d) <= bound,
                        s.label() + " weight " + r + "," + c + " error " + d + " > half step " + g.scale(r, grp));
                err += d * d;
                ref += (double) x * x;
            }
        }
        return Math.sqrt(err / ref);
    }
}
