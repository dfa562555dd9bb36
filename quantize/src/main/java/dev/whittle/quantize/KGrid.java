package dev.whittle.quantize;

import dev.whittle.core.quant.BlockCodecs;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Half;
import dev.whittle.core.tensor.KQuantScales;

import java.lang.foreign.MemorySegment;

/**
 * The k-quant grids (Q4_K, Q5_K: eight 32-element sub-blocks with 6-bit scales and mins under f16 super-scales;
 * Q6_K: sixteen 16-element sub-blocks with int8 scales under an f16 super-scale). A super-block is fitted by
 * running ggml's reference quantizer (the codec) on the current 256 weights and reading back the scales it chose;
 * single values are then rounded as ggml's second pass does: {@code nearest_int((x + dm)/d)} clamped to
 * [0, 2^bits − 1] (Q4_K/Q5_K), {@code nearest_int(x/d)} clamped to [−32, 31] (Q6_K). Packing keeps the codec's
 * header (super-scales and packed sub-block scales) and writes the codes.
 * <p>State per super-block: the sub-block steps d_j, the offsets dm_j, then the header bytes (as floats).
 */
final class KGrid extends BlockGrid {
    private final int subBlocks;
    private final int subSize;
    private final int maxCode;
    private final int headerBytes;

    KGrid(DType type) {
        super(type);
        switch (type) {
            case Q4_K -> { subBlocks = 8; subSize = 32; maxCode = 15; headerBytes = 16; }
            case Q5_K -> { subBlocks = 8; subSize = 32; maxCode = 31; headerBytes = 16; }
            case Q6_K -> { subBlocks = 16; subSize = 16; maxCode = 63; headerBytes = 18; }
            default -> throw new IllegalArgumentException(type + " is not a k-quant");
        }
    }

    @Override
    int blockSize() {
        return 256;
    }

    @Override
    int paramCount() {
        return 2 * subBlocks + headerBytes;
    }

    @Override
    void fit(float[] x, int off, float[] p, int po) {
        byte[] b = new byte[type.blockBytes()];
        BlockCodecs.forType(type).quantizeRow(x, off, MemorySegment.ofArray(b), 0, 256);
        if (type == DType.Q6_K) {
            float d = f16(b, 208);
            for (int j = 0; j < 16; j++) {
                p[po + j] = d * b[192 + j];
                p[po + 16 + j] = 0;
            }
            for (int i = 0; i < 16; i++) p[po + 32 + i] = b[192 + i];
            p[po + 48] = b[208];
            p[po + 49] = b[209];
            return;
        }
        float d = f16(b, 0);
        float dmin = f16(b, 2);
        for (int j = 0; j < 8; j++) {
            p[po + j] = d * KQuantScales.scale(b, 4, j);
            p[po + 8 + j] = dmin * KQuantScales.min(b, 4, j);
        }
        for (int i = 0; i < 16; i++) p[po + 16 + i] = b[i];
    }

    @Override
    int code(float x, float[] p, int po, int k) {
        int j = k / subSize;
        float d = p[po + j];
        if (d == 0) return type == DType.Q6_K ? 32 : 0; // every code decodes to the same value
        if (type == DType.Q6_K) return clamp(nearest(x / d), -32, 31) + 32;
        return clamp(nearest((x + p[po + subBlocks + j]) / d), 0, maxCode);
    }

    @Override
    float value(int code, float[] p, int po, int k) {
        int j = k / subSize;
        if (type == DType.Q6_K) return p[po + j] * (code - 32);
        return p[po + j] * code - p[po + subBlocks + j];
    }

    @Override
    void pack(float[] p, int po, int[] q, int co, byte[] out, int oo) {
        int h = po + 2 * subBlocks;
        switch (type) {
            case Q4_K -> {
                for (int i = 0; i < 16; i++) out[oo + i] = (byte) p[h + i];
                for (int g = 0; g < 4; g++) {
                    for (int l = 0; l < 32; l++) out[oo + 16 + 32 * g + l] = (byte) (q[co + 64 * g + l] | q[co + 64 * g + 32 + l] << 4);
                }
            }
            case Q5_K -> {
                for (int i = 0; i < 16; i++) out[oo + i] = (byte) p[h + i];
                for (int g = 0; g < 4; g++) {
                    for (int l = 0; l < 32; l++) {
                        int a = q[co + 64 * g + l];
                        int c = q[co + 64 * g + 32 + l];
                        out[oo + 48 + 32 * g + l] = (byte) ((a & 0xF) | (c & 0xF) << 4);
                        out[oo + 16 + l] |= (byte) (((a >>> 4) & 1) << (2 * g) | ((c >>> 4) & 1) << (2 * g + 1));
                    }
                }
            }
            default -> { // Q6_K
                for (int i = 0; i < 16; i++) out[oo + 192 + i] = (byte) p[h + i];
                out[oo + 208] = (byte) p[h + 16];
                out[oo + 209] = (byte) p[h + 17];
                for (int half = 0; half < 2; half++) {
                    int base = co + 128 * half;
                    int ql = oo + 64 * half;
                    int qh = oo + 128 + 32 * half;
                    for (int l = 0; l < 32; l++) {
                        int q1 = q[base + l];
                        int q2 = q[base + l + 32];
                        int q3 = q[base + l + 64];
                        int q4 = q[base + l + 96];
                        out[ql + l] = (byte) ((q1 & 0xF) | (q3 & 0xF) << 4);
                        out[ql + l + 32] = (byte) ((q2 & 0xF) | (q4 & 0xF) << 4);
                        out[qh + l] = (byte) ((q1 >>> 4) | (q2 >>> 4) << 2 | (q3 >>> 4) << 4 | (q4 >>> 4) << 6);
                    }
                }
            }
        }
    }

    private static float f16(byte[] b, int off) {
        return Half.toFloat((short) ((b[off] & 0xFF) | (b[off + 1] << 8)));
    }

    /** ggml's nearest_int (ties to even), for any float: far-out values saturate, NaN maps to 0. */
    private static double nearest(float v) {
        if (Float.isNaN(v)) return 0;
        if (Math.abs(v) >= 4194304f) return v;
        float shifted = v + 12582912f;
        return (Float.floatToRawIntBits(shifted) & 0x007FFFFF) - 0x00400000;
    }
}
