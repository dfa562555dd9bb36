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
import static dev.whittle.engine.kernel.KernelSpecies.toInts;

/**
 * Q6_K weights: super-blocks of 256, {@code u8 ql[128]; u8 qh[64]; int8 scales[16]; f16 d}. Half c (128
 * elements) uses ql[64c ..], qh[32c ..], scales[8c ..]; its element 32k + l (k < 4, l < 32) takes the low
 * (k < 2) or high nibble of ql[64c + 32(k % 2) + l], bits 2k..2k+1 of qh[32c + l] on top, minus 32, times
 * d * scales[8c + 2k + l / 16].
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Measured decode 5632×2048, 1 thread,
 * MatmulProbe best: 6.7-7.5 GB/s (base 3.2-3.4 in the same run) of weights (JMH tables: bench/kernel-benchmarks.md).
 */
public final class Q6_KKernel extends FloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 210;

    public Q6_KKernel() {
        super(DType.Q6_K);
    }

    /** Scalar reference: decodes the block at {@code off} into {@code dst[dstOff ..]} exactly as the format defines it. */
    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        float d = Halfs.half(w, off + 208);
        for (int c = 0; c < 2; c++) {
            for (int l = 0; l < 32; l++) {
                int a = w.get(ValueLayout.JAVA_BYTE, off + 64 * c + l) & 0xFF;
                int b = w.get(ValueLayout.JAVA_BYTE, off + 64 * c + 32 + l) & 0xFF;
                int h = w.get(ValueLayout.JAVA_BYTE, off + 128 + 32 * c + l) & 0xFF;
                long sc = off + 192 + 8 * c + l / 16;
                dst[dstOff + 128 * c + l] = d * w.get(ValueLayout.JAVA_BYTE, sc) * (((a & 15) | (h & 3) << 4) - 32);
                dst[dstOff + 128 * c + 32 + l] = d * w.get(ValueLayout.JAVA_BYTE, sc + 2) * (((b & 15) | ((h >> 2) & 3) << 4) - 32);
                dst[dstOff + 128 * c + 64 + l] = d * w.get(ValueLayout.JAVA_BYTE, sc + 4) * (((a >> 4) | ((h >> 4) & 3) << 4) - 32);
                dst[dstOff + 128 * c + 96 + l] = d * w.get(ValueLayout.JAVA_BYTE, sc + 6) * (((b >> 4) | ((h >> 6) & 3) << 4) - 32);
            }
        }
    }

    /** Element 32k + l of half c as an int lane: the ql nibble {@code lo4} (already 0..15) with qh bits 2k..2k+1 on top, minus 32. */
    private static IntVector q6(IntVector lo4, IntVector h, int k) {
        return lo4.or(h.lanewise(VectorOperators.ASHR, 2 * k).and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
    }

    /**
     * One block loop written once, its body kept small: C2 stops inlining the Vector API helpers past a node
     * budget (then every vector is boxed, 3× slower), which a body decoding all four quarters at once hit.
     * Bits are split on int lanes (x86 has no byte shifts); quarters k = 0, 2 go to one FMA chain, 1, 3 to the other.
     */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, float[] x, int xOff) {
        FloatVector even = FloatVector.zero(F), odd = even;
        int blocks = cols / BLOCK;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            float d = Halfs.half(w, bo + 208);
            for (int c = 0; c < 2; c++) {
                for (int j = 0; j < 2; j++) {
                    long sc = bo + 192 + 8 * c + 4 * j;
                    int xc = xb + 128 * c + 64 * j;
                    for (int p = 0; p < 32; p += L) {
                        IntVector h = toInts(loadBytes(w, bo + 128 + 32 * c + p));
                        IntVector la = toInts(loadBytes(w, bo + 64 * c + p)).lanewise(VectorOperators.ASHR, 4 * j).and(15);
                        IntVector lb = toInts(loadBytes(w, bo + 64 * c + 32 + p)).lanewise(VectorOperators.ASHR, 4 * j).and(15);
                        long s = sc + p / 16;
                        FloatVector we = intsToFloats(q6(la, h, 2 * j)).mul(d * w.get(ValueLayout.JAVA_BYTE, s));
                        FloatVector wo = intsToFloats(q6(lb, h, 2 * j + 1)).mul(d * w.get(ValueLayout.JAVA_BYTE, s + 2));
                        even = we.fma(FloatVector.fromArray(F, x, xc + p), even);
                        odd = wo.fma(FloatVector.fromArray(F, x, xc + 32 + p), odd);
                    }
                }
            }
        }
        return KernelSpecies.sum(even.add(odd));
    }

    /** Same per-token order as {@link #dot1} (quarters 0, 2 and 1, 3 in separate chains, same visiting order), so results match it bit for bit. */
    @Override
    void dot4(MemorySegment w, long rowOff, int cols, float[] x, int xOff, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, o0 = a0, o1 = a0, o2 = a0, o3 = a0;
        int blocks = cols / BLOCK;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            float d = Halfs.half(w, bo + 208);
            for (int c = 0; c < 2; c++) {
                for (int j = 0; j < 2; j++) {
                    long sc = bo + 192 + 8 * c + 4 * j;
                    int xc = xb + 128 * c + 64 * j;
                    for (int p = 0; p < 32; p += L) {
                        IntVector h = toInts(loadBytes(w, bo + 128 + 32 * c + p));
                        IntVector la = toInts(loadBytes(w, bo + 64 * c + p)).lanewise(VectorOperators.ASHR, 4 * j).and(15);
                        IntVector lb = toInts(loadBytes(w, bo + 64 * c + 32 + p)).lanewise(VectorOperators.ASHR, 4 * j).and(15);
                        long s = sc + p / 16;
                        FloatVector we = intsToFloats(q6(la, h, 2 * j)).mul(d * w.get(ValueLayout.JAVA_BYTE, s));
                        FloatVector wo = intsToFloats(q6(lb, h, 2 * j + 1)).mul(d * w.get(ValueLayout.JAVA_BYTE, s + 2));
                        int xe = xc + p, xo = xc + 32 + p;
                        a0 = we.fma(FloatVector.fromArray(F, x, xe), a0);
                        a1 = we.fma(FloatVector.fromArray(F, x, xe + cols), a1);
                        a2 = we.fma(FloatVector.fromArray(F, x, xe + 2 * cols), a2);
                        a3 = we.fma(FloatVector.fromArray(F, x, xe + 3 * cols), a3);
                        o0 = wo.fma(FloatVector.fromArray(F, x, xo), o0);
                        o1 = wo.fma(FloatVector.fromArray(F, x, xo + cols), o1);
                        o2 = wo.fma(FloatVector.fromArray(F, x, xo + 2 * cols), o2);
                        o3 = wo.fma(FloatVector.fromArray(F, x, xo + 3 * cols), o3);
                    }
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
            float d = Halfs.half(w, bo + 208);
            for (int c = 0; c < 2; c++) {
                for (int j = 0; j < 2; j++) {
                    long sc = bo + 192 + 8 * c + 4 * j;
                    int o = dstOff + b * BLOCK + 128 * c + 64 * j;
                    for (int p = 0; p < 32; p += L) {
                        IntVector h = toInts(loadBytes(w, bo + 128 + 32 * c + p));
                        IntVector la = toInts(loadBytes(w, bo + 64 * c + p)).lanewise(VectorOperators.ASHR, 4 * j).and(15);
                        IntVector lb = toInts(loadBytes(w, bo + 64 * c + 32 + p)).lanewise(VectorOperators.ASHR, 4 * j).and(15);
                        long s = sc + p / 16;
                        intsToFloats(q6(la, h, 2 * j)).mul(d * w.get(ValueLayout.JAVA_BYTE, s)).intoArray(dst, o + p);
                        intsToFloats(q6(lb, h, 2 * j + 1)).mul(d * w.get(ValueLayout.JAVA_BYTE, s + 2)).intoArray(dst, o + 32 + p);
                    }
                }
            }
        }
    }
}
