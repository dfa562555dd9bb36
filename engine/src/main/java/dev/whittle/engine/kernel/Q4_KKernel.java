package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.whittle.engine.kernel.KernelSpecies.loadBytes;
import static dev.whittle.engine.kernel.KernelSpecies.intsToFloats;

/**
 * Q4_K weights: super-blocks of 256, {@code f16 d; f16 dmin; u8 scales[12]; u8 qs[128]}: eight sub-blocks of
 * 32 with 6-bit scale s and min m ({@link KQuants}); sub-block 2c lives in the low nibbles of qs[32c ..] and
 * 2c+1 in the high nibbles; weight = d*s*q - dmin*m, decoded with one FMA per lane.
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Measured decode 5632×2048, 1 thread,
 * MatmulProbe best: 5.2 GB/s (base 3.5 in the same run; prefill-32 2048×2048 11.5 vs 23.9 ms) of weights (JMH tables: bench/kernel-benchmarks.md).
 */
public final class Q4_KKernel extends FloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 144;
    private static final int QS = 16;

    public Q4_KKernel() {
        super(DType.Q4_K);
    }

    /** Scalar reference: decodes the block at {@code off} into {@code dst[dstOff ..]} exactly as the format defines it. */
    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        float d = Halfs.half(w, off), dmin = Halfs.half(w, off + 2);
        for (int c = 0; c < 4; c++) {
            float d1 = d * KQuants.scale(w, off + 4, 2 * c), m1 = dmin * KQuants.min(w, off + 4, 2 * c);
            float d2 = d * KQuants.scale(w, off + 4, 2 * c + 1), m2 = dmin * KQuants.min(w, off + 4, 2 * c + 1);
            for (int l = 0; l < 32; l++) {
                int q = w.get(ValueLayout.JAVA_BYTE, off + 16 + 32 * c + l) & 0xFF;
                dst[dstOff + 64 * c + l] = d1 * (q & 15) - m1;
                dst[dstOff + 64 * c + 32 + l] = d2 * (q >> 4) - m2;
            }
        }
    }

    /**
     * One block loop written once (keeps the compilation well under C2's node budget). Two FMA chains:
     * low-nibble sub-blocks (2c) into one accumulator, high-nibble sub-blocks (2c+1) into the other, so each
     * qs byte is loaded once; bytes are zero-extended to int lanes (x86 has no byte shifts), so the low nibble is
     * one AND and the high one a logical shift, and the scale bytes are read with two wide loads.
     */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, float[] x, int xOff) {
        FloatVector lo = FloatVector.zero(F), hi = lo;
        int blocks = cols / BLOCK;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            float d = Halfs.half(w, bo), dmin = Halfs.half(w, bo + 2);
            long sLo = w.get(KQuants.LE_LONG, bo + 4);
            int sHi = w.get(Halfs.LE_INT, bo + 12);
            long scales = KQuants.scales(sLo, sHi), mins = KQuants.mins(sLo, sHi);
            for (int c = 0; c < 4; c++) {
                float dsLo = d * KQuants.at(scales, 2 * c), dmLo = -dmin * KQuants.at(mins, 2 * c);
                float dsHi = d * KQuants.at(scales, 2 * c + 1), dmHi = -dmin * KQuants.at(mins, 2 * c + 1);
                long qs = bo + QS + 32 * c;
                int xc = xb + 64 * c;
                for (int p = 0; p < 32; p += L) {
                    IntVector q = (IntVector) loadBytes(w, qs + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    FloatVector wl = intsToFloats(q.and(15)).fma(dsLo, dmLo);
                    FloatVector wh = intsToFloats(q.lanewise(VectorOperators.LSHR, 4)).fma(dsHi, dmHi);
                    lo = wl.fma(FloatVector.fromArray(F, x, xc + p), lo);
                    hi = wh.fma(FloatVector.fromArray(F, x, xc + 32 + p), hi);
                }
            }
        }
        return KernelSpecies.sum(lo.add(hi));
    }

    /** Same per-token order as {@link #dot1} (low/high sub-block accumulators), so results match it bit for bit. */
    @Override
    void dot4(MemorySegment w, long rowOff, int cols, float[] x, int xOff, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, o0 = a0, o1 = a0, o2 = a0, o3 = a0;
        int blocks = cols / BLOCK;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            float d = Halfs.half(w, bo), dmin = Halfs.half(w, bo + 2);
            long sLo = w.get(KQuants.LE_LONG, bo + 4);
            int sHi = w.get(Halfs.LE_INT, bo + 12);
            long scales = KQuants.scales(sLo, sHi), mins = KQuants.mins(sLo, sHi);
            for (int c = 0; c < 4; c++) {
                float dsLo = d * KQuants.at(scales, 2 * c), dmLo = -dmin * KQuants.at(mins, 2 * c);
                float dsHi = d * KQuants.at(scales, 2 * c + 1), dmHi = -dmin * KQuants.at(mins, 2 * c + 1);
                long qs = bo + QS + 32 * c;
                int xc = xb + 64 * c;
                for (int p = 0; p < 32; p += L) {
                    IntVector q = (IntVector) loadBytes(w, qs + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    FloatVector wl = intsToFloats(q.and(15)).fma(dsLo, dmLo);
                    FloatVector wh = intsToFloats(q.lanewise(VectorOperators.LSHR, 4)).fma(dsHi, dmHi);
                    int xl = xc + p, xh = xc + 32 + p;
                    a0 = wl.fma(FloatVector.fromArray(F, x, xl), a0);
                    a1 = wl.fma(FloatVector.fromArray(F, x, xl + cols), a1);
                    a2 = wl.fma(FloatVector.fromArray(F, x, xl + 2 * cols), a2);
                    a3 = wl.fma(FloatVector.fromArray(F, x, xl + 3 * cols), a3);
                    o0 = wh.fma(FloatVector.fromArray(F, x, xh), o0);
                    o1 = wh.fma(FloatVector.fromArray(F, x, xh + cols), o1);
                    o2 = wh.fma(FloatVector.fromArray(F, x, xh + 2 * cols), o2);
                    o3 = wh.fma(FloatVector.fromArray(F, x, xh + 3 * cols), o3);
                }
            }
        }
        out[outOff] = KernelSpecies.sum(a0.add(o0));
        out[outOff + outStride] = KernelSpecies.sum(a1.add(o1));
        out[outOff + 2 * outStride] = KernelSpecies.sum(a2.add(o2));
        out[outOff + 3 * outStride] = KernelSpecies.sum(a3.add(o3));
    }

    @Override
    void decodeBlock(MemorySegment w, long off, float[] dst, int dstOff) {
        decodeScalar(w, off, dst, dstOff);
    }

    /** Vectorised {@link #decodeScalar} over a row for the prefill panels: {@link #dot1}'s decode, stored. */
    @Override
    void decodeRow(MemorySegment w, long rowOff, int cols, float[] dst, int dstOff) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            float d = Halfs.half(w, bo), dmin = Halfs.half(w, bo + 2);
            long sLo = w.get(KQuants.LE_LONG, bo + 4);
            int sHi = w.get(Halfs.LE_INT, bo + 12);
            long scales = KQuants.scales(sLo, sHi), mins = KQuants.mins(sLo, sHi);
            for (int c = 0; c < 4; c++) {
                float dsLo = d * KQuants.at(scales, 2 * c), dmLo = -dmin * KQuants.at(mins, 2 * c);
                float dsHi = d * KQuants.at(scales, 2 * c + 1), dmHi = -dmin * KQuants.at(mins, 2 * c + 1);
                long qs = bo + QS + 32 * c;
                int o = dstOff + b * BLOCK + 64 * c;
                for (int p = 0; p < 32; p += L) {
                    IntVector q = (IntVector) loadBytes(w, qs + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    intsToFloats(q.and(15)).fma(dsLo, dmLo).intoArray(dst, o + p);
                    intsToFloats(q.lanewise(VectorOperators.LSHR, 4)).fma(dsHi, dmHi).intoArray(dst, o + 32 + p);
                }
            }
        }
    }
}
