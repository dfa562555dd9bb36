package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;

/**
 * Activations quantized to int8 blocks of 32 the way ggml's Q8_0 does it (d = max|x| / 127, q = round(x / d)),
 * with float scales, for kernels that take integer dot products with the weight quants.
 */
record Q8Activations(float[] floats, int n, int cols, byte[] quants, float[] scales) implements LinearKernel.PreparedInput {
    static Q8Activations quantize(float[] x, int n, int cols) {
        if (cols % 32 != 0) throw new IllegalArgumentException("cols=" + cols + " is not a multiple of 32");
        byte[] q = new byte[n * cols];
        float[] d = new float[n * cols / 32];
        for (int b = 0; b < d.length; b++) {
            int base = b * 32;
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[base + j]));
            float scale = amax / 127f;
            float inv = scale == 0 ? 0 : 1 / scale;
            d[b] = scale;
            for (int j = 0; j < 32; j++) q[base + j] = (byte) Math.round(x[base + j] * inv);
        }
        return new Q8Activations(x, n, cols, q, d);
    }

    static void checkType(LinearKernel k, DType type) {
        if (!k.supports(type)) throw new IllegalArgumentException(k.getClass().getSimpleName() + " does not read " + type);
    }
}
