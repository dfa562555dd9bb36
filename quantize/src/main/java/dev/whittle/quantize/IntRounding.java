package dev.whittle.quantize;

import dev.whittle.core.intq.IntQuantizer;
import dev.whittle.core.intq.IntScheme;

import java.util.stream.IntStream;

/**
 * Round to nearest onto a grouped integer scheme with compressed-tensors' own quantizer ({@link IntQuantizer}), in
 * the same shape GPTQ returns, so AWQ's searches and its final rounding see exactly what the exporter would write.
 */
final class IntRounding {
    private IntRounding() {}

    static Gptq.IntResult rtn(float[] w, int rows, int cols, IntScheme scheme) {
        int groups = scheme.groupCount(cols);
        int g = scheme.groupLength(cols);
        int[] codes = new int[rows * cols];
        float[] scales = new float[rows * groups];
        int[] zeros = new int[rows * groups];
        float[] deq = new float[rows * cols];
        IntStream.range(0, rows).parallel().forEach(r -> {
            IntQuantizer.QuantizedRow q = IntQuantizer.quantize(w, r * cols, cols, scheme);
            System.arraycopy(q.values(), 0, codes, r * cols, cols);
            System.arraycopy(q.scales(), 0, scales, r * groups, groups);
            System.arraycopy(q.zeroPoints(), 0, zeros, r * groups, groups);
            for (int c = 0; c < cols; c++) {
                int k = c / g;
                deq[r * cols + c] = (q.values()[c] - q.zeroPoints()[k]) * q.scales()[k];
            }
        });
        return new Gptq.IntResult(scheme, codes, scales, zeros, deq, Double.NaN, 0, 0);
    }

    /** Dequantized values only. */
    static float[] roundTrip(float[] w, int rows, int cols, IntScheme scheme) {
        return rtn(w, rows, cols, scheme).dequantized();
    }
}
