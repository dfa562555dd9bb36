package dev.whittle.quantize;

import dev.whittle.core.intq.IntQuantizer;
import dev.whittle.core.intq.IntScheme;
import dev.whittle.core.tensor.DType;

/**
 * The grid of a grouped integer scheme ({@link IntScheme}: int8/4/3/2, a group of G input columns or the whole row,
 * symmetric or with a zero point), fitted as IST-DASLab/gptq's {@code Quantizer.find_params} does for one group:
 * xmin = min(0, min w), xmax = max(0, max w); symmetric: xmax = max(|xmin|, xmax), xmin = −xmax; an all-zero group
 * gets [−1, 1]; scale = (xmax − xmin) / (2^b − 1); zero = 2^(b−1) when symmetric, else round(−xmin / scale).
 * The scale is rounded to the stored scale dtype (F16) before the zero point and the codes are computed, so the
 * written file dequantizes to exactly the values GPTQ fed back. Codes and zero points are kept signed
 * (unsigned − 2^(b−1)), as compressed-tensors stores them; rounding is half-to-even (torch.round).
 * <p>A group size that does not divide the row leaves a shorter last group, as compressed-tensors does.
 * {@link #pack} writes a private per-group layout (f32 scale, i32 zero point, one signed byte per code) that
 * {@link Gptq#quantize(float[], int, int, Gptq.Prepared, IntScheme, Gptq.Options)} turns into a
 * {@code GroupedIntWeight}; it never reaches a file.
 */
final class IntGrid extends BlockGrid {
    private final IntScheme scheme;
    private final int group;

    private final int cols;

    IntGrid(IntScheme scheme, int cols) {
        super(DType.I32);
        this.scheme = scheme;
        this.group = scheme.groupLength(cols);
        this.cols = cols;
    }

    /** Elements of the group starting at {@code off} (row-major, rows of {@code cols}): the last one may be short. */
    private int lengthAt(int off) {
        return Math.min(group, cols - off % cols);
    }

    IntScheme scheme() {
        return scheme;
    }

    @Override
    int blockSize() {
        return group;
    }

    @Override
    int paramCount() {
        return 2; // stored scale, signed zero point
    }

    @Override
    int blockBytes() {
        return 8 + group;
    }

    @Override
    void fit(float[] x, int off, float[] p, int po) {
        float min = 0, max = 0;
        for (int j = 0, len = lengthAt(off); j < len; j++) {
            float v = x[off + j];
            if (v < min) min = v;
            if (v > max) max = v;
        }
        if (scheme.symmetric()) {
            max = Math.max(-min, max);
            min = -max;
        }
        if (min == 0 && max == 0) {
            min = -1;
            max = 1;
        }
        int levels = scheme.qmax() - scheme.qmin();
        float scale = IntQuantizer.storedScale((max - min) / levels, scheme);
        int zero = scheme.symmetric() ? 0 : (int) Math.rint(Math.clamp(scheme.qmin() - min / scale, scheme.qmin(), scheme.qmax()));
        p[po] = scale;
        p[po + 1] = zero;
    }

    @Override
    int code(float x, float[] p, int po) {
        return (int) Math.clamp(Math.rint(x / p[po]) + p[po + 1], scheme.qmin(), scheme.qmax());
    }

    @Override
    float value(int code, float[] p, int po) {
        return (code - p[po + 1]) * p[po];
    }

    @Override
    void pack(float[] p, int po, int[] codes, int co, byte[] out, int oo) {
        putInt(out, oo, Float.floatToRawIntBits(p[po]));
        putInt(out, oo + 4, (int) p[po + 1]);
        for (int j = 0, len = lengthAt(co); j < len; j++) out[oo + 8 + j] = (byte) codes[co + j];
    }

    static float scaleOf(byte[] b, int off) {
        return Float.intBitsToFloat(intAt(b, off));
    }

    static int intAt(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }
}
