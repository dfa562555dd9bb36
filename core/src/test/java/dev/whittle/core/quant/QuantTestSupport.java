package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Small helpers: quantize to / decode from plain arrays, seeded test data. */
final class QuantTestSupport {
    private QuantTestSupport() {}

    static byte[] quantize(DType type, float[] x) {
        MemorySegment seg = Arena.ofAuto().allocate(type.byteSize(x.length));
        BlockCodecs.forType(type).quantizeRow(x, 0, seg, 0, x.length);
        return seg.toArray(ValueLayout.JAVA_BYTE);
    }

    static float[] dequantize(DType type, byte[] q) {
        int n = (int) (q.length / type.blockBytes() * type.blockSize());
        float[] y = new float[n];
        BlockCodecs.forType(type).dequantizeRow(MemorySegment.ofArray(q), 0, y, 0, n);
        return y;
    }

    static float[] gaussian(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    static float[] uniform(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * r.nextDouble() - 1);
        return x;
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    /** RMS of the error divided by the RMS of the signal. */
    static double relativeRmse(float[] x, float[] y) {
        double err = 0;
        double sig = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (double) y[i] - x[i];
            err += d * d;
            sig += (double) x[i] * x[i];
        }
        return Math.sqrt(err / sig);
    }
}
