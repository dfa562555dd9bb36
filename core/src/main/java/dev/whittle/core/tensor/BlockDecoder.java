package dev.whittle.core.tensor;

/**
 * Decodes one block of a GGUF block type (bytes as laid out in ggml's {@code ggml-common.h}) into floats,
 * with the same arithmetic, in the same order, as ggml's {@code dequantize_row_*} so results are bit-identical.
 */
final class BlockDecoder {
    private BlockDecoder() {}

    static void decode(DType type, byte[] b, float[] y, int o) {
        switch (type) {
            case Q4_0 -> q4_0(b, y, o);
            case Q4_1 -> q4_1(b, y, o);
            case Q5_0 -> q5_0(b, y, o);
            case Q5_1 -> q5_1(b, y, o);
            case Q8_0 -> q8_0(b, y, o);
            case Q2_K -> q2_K(b, y, o);
            case Q3_K -> q3_K(b, y, o);
            case Q4_K -> q4_K(b, y, o);
            case Q5_K -> q5_K(b, y, o);
            case Q6_K -> q6_K(b, y, o);
            case Q8_K -> q8_K(b, y, o);
            default -> throw new IllegalArgumentException(type + " is not a block type");
        }
    }

    static float f16(byte[] b, int off) {
        return Half.toFloat((short) ((b[off] & 0xFF) | (b[off + 1] << 8)));
    }

    static int u32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    /** f16 d; 16 bytes: element j in the low nibble of byte j, element j+16 in its high nibble; value (q-8)*d. */
    private static void q4_0(byte[] b, float[] y, int o) {
        float d = f16(b, 0);
        for (int j = 0; j < 16; j++) {
            int q = b[2 + j] & 0xFF;
            y[o + j] = ((q & 0xF) - 8) * d;
            y[o + j + 16] = ((q >>> 4) - 8) * d;
        }
    }

    /** f16 d, f16 m; nibbles as Q4_0; value q*d + m. */
    private static void q4_1(byte[] b, float[] y, int o) {
        float d = f16(b, 0);
        float m = f16(b, 2);
        for (int j = 0; j < 16; j++) {
            int q = b[4 + j] & 0xFF;
            y[o + j] = (q & 0xF) * d + m;
            y[o + j + 16] = (q >>> 4) * d + m;
        }
    }

    /** f16 d; u32 qh (bit j = 5th bit of element j); nibbles as Q4_0; value (q-16)*d. */
    private static void q5_0(byte[] b, float[] y, int o) {
        float d = f16(b, 0);
        int qh = u32(b, 2);
        for (int j = 0; j < 16; j++) {
            int q = b[6 + j] & 0xFF;
            int x0 = ((q & 0xF) | (((qh >>> j) & 1) << 4)) - 16;
            int x1 = ((q >>> 4) | (((qh >>> (j + 16)) & 1) << 4)) - 16;
            y[o + j] = x0 * d;
            y[o + j + 16] = x1 * d;
        }
    }

    /** f16 d, f16 m; u32 qh; nibbles; value q*d + m. */
    private static void q5_1(byte[] b, float[] y, int o) {
        float d = f16(b, 0);
        float m = f16(b, 2);
        int qh = u32(b, 4);
        for (int j = 0; j < 16; j++) {
            int q = b[8 + j] & 0xFF;
            int x0 = (q & 0xF) | (((qh >>> j) & 1) << 4);
            int x1 = (q >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
            y[o + j] = x0 * d + m;
            y[o + j + 16] = x1 * d + m;
        }
    }

    /** f16 d; 32 int8; value q*d. */
    private static void q8_0(byte[] b, float[] y, int o) {
        float d = f16(b, 0);
        for (int j = 0; j < 32; j++) y[o + j] = b[2 + j] * d;
    }

    /**
     * scales[16] (low nibble scale, high nibble min of each 16-element sub-block), qs[64], f16 d, f16 dmin.
     * Each 128-element half uses 32 bytes of qs; its four 32-element groups are the 2-bit fields at shifts
     * 0, 2, 4, 6. Value d*scale*q - dmin*min.
     */
    private static void q2_K(byte[] b, float[] y, int o) {
        float d = f16(b, 80);
        float dmin = f16(b, 82);
        int is = 0;
        for (int half = 0; half < 2; half++) {
            int q = 16 + 32 * half;
            for (int shift = 0; shift < 8; shift += 2) {
                for (int part = 0; part < 2; part++) {
                    int sc = b[is++] & 0xFF;
                    float dl = d * (sc & 0xF);
                    float ml = dmin * (sc >>> 4);
                    for (int l = 0; l < 16; l++) {
                        y[o++] = dl * (((b[q + 16 * part + l] & 0xFF) >>> shift) & 3) - ml;
                    }
                }
            }
        }
    }

    /** The signed 6-bit scale of Q3_K sub-block j: low 4 bits in a nibble of bytes 0-7, top 2 bits in bytes 8-11. */
    static int q3kScale(byte[] b, int scalesOff, int j) {
        int low = j < 8 ? b[scalesOff + j] & 0xF : (b[scalesOff + j - 8] & 0xFF) >>> 4;
        int high = ((b[scalesOff + 8 + j % 4] & 0xFF) >>> (2 * (j / 4))) & 3;
        return (low | high << 4) - 32;
    }

    /**
     * hmask[32], qs[64], scales[12], f16 d. Element positions follow Q2_K's 2-bit layout; the third bit of the
     * k-th 32-element group sits in bit k of hmask[l]; a clear bit subtracts 4. Value d*(scale-32)*q.
     */
    private static void q3_K(byte[] b, float[] y, int o) {
        float dAll = f16(b, 108);
        int is = 0;
        int mask = 1;
        for (int half = 0; half < 2; half++) {
            int q = 32 + 32 * half;
            for (int shift = 0; shift < 8; shift += 2) {
                for (int part = 0; part < 2; part++) {
                    float dl = dAll * q3kScale(b, 96, is++);
                    for (int l = 0; l < 16; l++) {
                        int low = ((b[q + 16 * part + l] & 0xFF) >>> shift) & 3;
                        int sub = (b[16 * part + l] & mask) != 0 ? 0 : 4;
                        y[o++] = dl * (low - sub);
                    }
                }
                mask <<= 1;
            }
        }
    }

    /** f16 d, f16 dmin, 12 bytes packed 6-bit scales/mins, 128 bytes of nibbles (64 elements per 32 bytes). */
    private static void q4_K(byte[] b, float[] y, int o) {
        float d = f16(b, 0);
        float dmin = f16(b, 2);
        for (int g = 0; g < 4; g++) {
            int q = 16 + 32 * g;
            float d1 = d * KQuantScales.scale(b, 4, 2 * g);
            float m1 = dmin * KQuantScales.min(b, 4, 2 * g);
            float d2 = d * KQuantScales.scale(b, 4, 2 * g + 1);
            float m2 = dmin * KQuantScales.min(b, 4, 2 * g + 1);
            for (int l = 0; l < 32; l++) y[o++] = d1 * (b[q + l] & 0xF) - m1;
            for (int l = 0; l < 32; l++) y[o++] = d2 * ((b[q + l] & 0xFF) >>> 4) - m2;
        }
    }

    /** As Q4_K plus qh[32]: the 5th bit of element l of 32-element group k is bit k of qh[l]. */
    private static void q5_K(byte[] b, float[] y, int o) {
        float d = f16(b, 0);
        float dmin = f16(b, 2);
        for (int g = 0; g < 4; g++) {
            int q = 48 + 32 * g;
            int u1 = 1 << (2 * g);
            int u2 = 2 << (2 * g);
            float d1 = d * KQuantScales.scale(b, 4, 2 * g);
            float m1 = dmin * KQuantScales.min(b, 4, 2 * g);
            float d2 = d * KQuantScales.scale(b, 4, 2 * g + 1);
            float m2 = dmin * KQuantScales.min(b, 4, 2 * g + 1);
            for (int l = 0; l < 32; l++) {
                y[o++] = d1 * ((b[q + l] & 0xF) + ((b[16 + l] & u1) != 0 ? 16 : 0)) - m1;
            }
            for (int l = 0; l < 32; l++) {
                y[o++] = d2 * (((b[q + l] & 0xFF) >>> 4) + ((b[16 + l] & u2) != 0 ? 16 : 0)) - m2;
            }
        }
    }

    /**
     * ql[128], qh[64], int8 scales[16], f16 d. Per 128-element half: ql 64 bytes, qh 32 bytes; element l+32k
     * takes a nibble of ql (k=0,1 low nibbles of ql[l], ql[l+32]; k=2,3 high nibbles) and bits 2k..2k+1 of
     * qh[l]. Value d*scale*(q-32).
     */
    private static void q6_K(byte[] b, float[] y, int o) {
        float d = f16(b, 208);
        for (int half = 0; half < 2; half++) {
            int ql = 64 * half;
            int qh = 128 + 32 * half;
            int sc = 192 + 8 * half;
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int lo = b[ql + l] & 0xFF;
                int hi = b[ql + l + 32] & 0xFF;
                int h = b[qh + l] & 0xFF;
                int q1 = ((lo & 0xF) | ((h & 3) << 4)) - 32;
                int q2 = ((hi & 0xF) | (((h >>> 2) & 3) << 4)) - 32;
                int q3 = ((lo >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                int q4 = ((hi >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                y[o + l] = d * b[sc + is] * q1;
                y[o + l + 32] = d * b[sc + is + 2] * q2;
                y[o + l + 64] = d * b[sc + is + 4] * q3;
                y[o + l + 96] = d * b[sc + is + 6] * q4;
            }
            o += 128;
        }
    }

    /** f32 d, 256 int8, 16 int16 group sums (ignored here); value d*q. */
    private static void q8_K(byte[] b, float[] y, int o) {
        float d = Float.intBitsToFloat(u32(b, 0));
        for (int j = 0; j < 256; j++) y[o + j] = d * b[4 + j];
    }
}
