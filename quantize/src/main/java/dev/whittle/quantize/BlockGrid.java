package dev.whittle.quantize;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Half;

import java.util.Optional;

/**
 * The quantization grid of one GGUF block type, split into the three steps GPTQ needs: fit the block's scale(s)
 * (and minimums) from its weights exactly as ggml's reference quantizer does, round single values onto that grid
 * (ggml's rounding rule, clamped to the code range because GPTQ's updates may push later columns outside the range
 * the block was fitted on), and pack codes into the block bytes. Fitting then rounding every value of an unchanged
 * block gives the same bytes as the codec.
 * <p>32-element types keep 4 floats per block: {@code d} and {@code 1/d} in single precision (used for rounding,
 * as ggml), then the stored f16 {@code d} and the minimum (used for values, as a reader sees them). The k-quants
 * ({@link KGrid}) fit the whole 256-element super-block with the codec and keep each sub-block's scale and offset.
 */
abstract sealed class BlockGrid permits BlockGrid.Symmetric, BlockGrid.Affine, BlockGrid.Q8, KGrid, IntGrid {
    static final int BLOCK = 32;
    static final int PARAMS = 4;

    final DType type;

    BlockGrid(DType type) {
        this.type = type;
    }

    /** Elements per block (the fitting unit). */
    int blockSize() {
        return BLOCK;
    }

    /** Bytes {@link #pack} writes per block. */
    int blockBytes() {
        return type.blockBytes();
    }

    /** Floats of state per block. */
    int paramCount() {
        return PARAMS;
    }

    /** Code of value x at position k of its block. */
    int code(float x, float[] p, int po, int k) {
        return code(x, p, po);
    }

    float value(int code, float[] p, int po, int k) {
        return value(code, p, po);
    }

    /** The grid of {@code type}, if GPTQ can target it. */
    static Optional<BlockGrid> of(DType type) {
        return Optional.ofNullable(switch (type) {
            case Q4_0 -> new Symmetric(DType.Q4_0, 8);
            case Q5_0 -> new Symmetric(DType.Q5_0, 16);
            case Q4_1 -> new Affine(DType.Q4_1, 15);
            case Q5_1 -> new Affine(DType.Q5_1, 31);
            case Q8_0 -> new Q8();
            case Q4_K, Q5_K, Q6_K -> new KGrid(type);
            default -> null;
        });
    }

    abstract void fit(float[] x, int off, float[] p, int po);

    int code(float x, float[] p, int po) {
        throw new UnsupportedOperationException();
    }

    float value(int code, float[] p, int po) {
        throw new UnsupportedOperationException();
    }

    /** Writes one block (codes[co .. co+blockSize)) into out[oo ..). */
    abstract void pack(float[] p, int po, int[] codes, int co, byte[] out, int oo);

    static int clamp(double v, int lo, int hi) {
        return (int) Math.max(lo, Math.min(hi, v));
    }

    static void putHalf(byte[] b, int off, float stored) {
        short h = Half.fromFloat(stored);
        b[off] = (byte) h;
        b[off + 1] = (byte) (h >>> 8);
    }

    static void putInt(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) b[off + i] = (byte) (v >>> (8 * i));
    }

    /** Q4_0 / Q5_0: d = -(value of largest magnitude)/half, codes trunc(x/d + half + 0.5). */
    static final class Symmetric extends BlockGrid {
        private final int half;

        Symmetric(DType type, int half) {
            super(type);
            this.half = half;
        }

        @Override
        void fit(float[] x, int off, float[] p, int po) {
            float amax = 0;
            float max = 0;
            for (int j = 0; j < BLOCK; j++) {
                float v = x[off + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -half;
            p[po] = d;
            p[po + 1] = d != 0 ? 1f / d : 0f;
            p[po + 2] = Half.round(d);
            p[po + 3] = 0;
        }

        @Override
        int code(float x, float[] p, int po) {
            return clamp(Math.floor(x * p[po + 1] + (half + 0.5f)), 0, 2 * half - 1);
        }

        @Override
        float value(int code, float[] p, int po) {
            return (code - half) * p[po + 2];
        }

        @Override
        void pack(float[] p, int po, int[] q, int co, byte[] out, int oo) {
            putHalf(out, oo, p[po]);
            int nib = oo + (half == 8 ? 2 : 6);
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                int q0 = q[co + j];
                int q1 = q[co + j + 16];
                out[nib + j] = (byte) ((q0 & 0xF) | (q1 & 0xF) << 4);
                qh |= ((q0 >>> 4) & 1) << j;
                qh |= ((q1 >>> 4) & 1) << (j + 16);
            }
            if (half == 16) putInt(out, oo + 2, qh);
        }
    }

    /** Q4_1 / Q5_1: d = (max-min)/levels, m = min, codes trunc((x-min)/d + 0.5). */
    static final class Affine extends BlockGrid {
        private final int levels;

        Affine(DType type, int levels) {
            super(type);
            this.levels = levels;
        }

        @Override
        void fit(float[] x, int off, float[] p, int po) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < BLOCK; j++) {
                float v = x[off + j];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            float d = (max - min) / levels;
            p[po] = d;
            p[po + 1] = d != 0 ? 1f / d : 0f;
            p[po + 2] = Half.round(d);
            p[po + 3] = min; // the rounding uses the exact min, the stored value its f16 (see value)
        }

        @Override
        int code(float x, float[] p, int po) {
            return clamp(Math.floor((x - p[po + 3]) * p[po + 1] + 0.5f), 0, levels);
        }

        @Override
        float value(int code, float[] p, int po) {
            return code * p[po + 2] + Half.round(p[po + 3]);
        }

        @Override
        void pack(float[] p, int po, int[] q, int co, byte[] out, int oo) {
            putHalf(out, oo, p[po]);
            putHalf(out, oo + 2, p[po + 3]);
            int nib = oo + (levels == 15 ? 4 : 8);
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                int q0 = q[co + j];
                int q1 = q[co + j + 16];
                out[nib + j] = (byte) ((q0 & 0xF) | (q1 & 0xF) << 4);
                qh |= ((q0 >>> 4) & 1) << j;
                qh |= ((q1 >>> 4) & 1) << (j + 16);
            }
            if (levels == 31) putInt(out, oo + 4, qh);
        }
    }

    /** Q8_0: d = max|x|/127, codes round(x/d) half away from zero. */
    static final class Q8 extends BlockGrid {
        Q8() {
            super(DType.Q8_0);
        }

        @Override
        void fit(float[] x, int off, float[] p, int po) {
            float amax = 0;
            for (int j = 0; j < BLOCK; j++) {
                float a = Math.abs(x[off + j]);
                amax = amax > a ? amax : a;
            }
            float d = amax / 127;
            p[po] = d;
            p[po + 1] = d != 0 ? 1f / d : 0f;
            p[po + 2] = Half.round(d);
            p[po + 3] = 0;
        }

        @Override
        int code(float x, float[] p, int po) {
            float v = x * p[po + 1];
            double r = Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
            return clamp(r, -128, 127);
        }

        @Override
        float value(int code, float[] p, int po) {
            return code * p[po + 2];
        }

        @Override
        void pack(float[] p, int po, int[] q, int co, byte[] out, int oo) {
            putHalf(out, oo, p[po]);
            for (int j = 0; j < BLOCK; j++) out[oo + 2 + j] = (byte) q[co + j];
        }
    }
}
