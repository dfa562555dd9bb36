package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.whittle.engine.kernel.KernelSpecies.loadBytes;
import static dev.whittle.engine.kernel.KernelSpecies.toFloats;

/**
 * Q6_K weights: super-blocks of 256, {@code u8 ql[128]; u8 qh[64]; int8 scales[16]; f16 d}. Half c (128
 * elements) uses ql[64c ..], qh[32c ..], scales[8c ..]; its element 32k + l (k < 4, l < 32) takes the low
 * (k < 2) or high nibble of ql[64c + 32(k % 2) + l], bits 2k..2k+1 of qh[32c + l] on top, minus 32, times
 * d * scales[8c + 2k + l / 16].
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Measured decode 5632×2048, 1 thread,
 * MatmulProbe best: 3.8 GB/s of weights (JMH tables: bench/kernel-benchmarks.md).
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

    /** Even blocks accumulate into one register, odd blocks into another: two FMA chains hide FMA latency. */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), odd = acc;
        int blocks = cols / BLOCK;
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            {
                long bo = rowOff + (long) (b) * BLOCK_BYTES;
                int xb = xOff + (b) * BLOCK;
                float d = Halfs.half(w, bo + 208);
                for (int c = 0; c < 2; c++) {
                    for (int k = 0; k < 4; k++) {
                        long ql = bo + 64 * c + 32 * (k & 1), qh = bo + 128 + 32 * c, sc = bo + 192 + 8 * c + 2 * k;
                        int shift = 4 * (k >> 1);
                        for (int p = 0; p < 32; p += L) {
                            ByteVector hi = loadBytes(w, qh + p).lanewise(VectorOperators.LSHR, 2 * k).and((byte) 3).lanewise(VectorOperators.LSHL, 4);
                            ByteVector q = loadBytes(w, ql + p).lanewise(VectorOperators.LSHR, shift).and((byte) 15).or(hi).sub((byte) 32);
                            FloatVector wv = toFloats(q).mul(d * w.get(ValueLayout.JAVA_BYTE, sc + p / 16));
                            acc = wv.fma(FloatVector.fromArray(F, x, xb + 128 * c + 32 * k + p), acc);
                        }
                    }
                }
            }
            {
                long bo = rowOff + (long) (b + 1) * BLOCK_BYTES;
                int xb = xOff + (b + 1) * BLOCK;
                float d = Halfs.half(w, bo + 208);
                for (int c = 0; c < 2; c++) {
                    for (int k = 0; k < 4; k++) {
                        long ql = bo + 64 * c + 32 * (k & 1), qh = bo + 128 + 32 * c, sc = bo + 192 + 8 * c + 2 * k;
                        int shift = 4 * (k >> 1);
                        for (int p = 0; p < 32; p += L) {
                            ByteVector hi = loadBytes(w, qh + p).lanewise(VectorOperators.LSHR, 2 * k).and((byte) 3).lanewise(VectorOperators.LSHL, 4);
                            ByteVector q = loadBytes(w, ql + p).lanewise(VectorOperators.LSHR, shift).and((byte) 15).or(hi).sub((byte) 32);
                            FloatVector wv = toFloats(q).mul(d * w.get(ValueLayout.JAVA_BYTE, sc + p / 16));
                            odd = wv.fma(FloatVector.fromArray(F, x, xb + 128 * c + 32 * k + p), odd);
                        }
                    }
                }
            }
        }
        if (b < blocks) {
            {
                long bo = rowOff + (long) (b) * BLOCK_BYTES;
                int xb = xOff + (b) * BLOCK;
                float d = Halfs.half(w, bo + 208);
                for (int c = 0; c < 2; c++) {
                    for (int k = 0; k < 4; k++) {
                        long ql = bo + 64 * c + 32 * (k & 1), qh = bo + 128 + 32 * c, sc = bo + 192 + 8 * c + 2 * k;
                        int shift = 4 * (k >> 1);
                        for (int p = 0; p < 32; p += L) {
                            ByteVector hi = loadBytes(w, qh + p).lanewise(VectorOperators.LSHR, 2 * k).and((byte) 3).lanewise(VectorOperators.LSHL, 4);
                            ByteVector q = loadBytes(w, ql + p).lanewise(VectorOperators.LSHR, shift).and((byte) 15).or(hi).sub((byte) 32);
                            FloatVector wv = toFloats(q).mul(d * w.get(ValueLayout.JAVA_BYTE, sc + p / 16));
                            acc = wv.fma(FloatVector.fromArray(F, x, xb + 128 * c + 32 * k + p), acc);
                        }
                    }
                }
            }
        }
        return KernelSpecies.sum(acc.add(odd));
    }

    /** Same per-token order as {@link #dot1} (even/odd block accumulators), so results match it bit for bit. */
    @Override
    void dot4(MemorySegment w, long rowOff, int cols, float[] x, int xOff, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, o0 = a0, o1 = a0, o2 = a0, o3 = a0;
        int blocks = cols / BLOCK;
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            {
                long bo = rowOff + (long) (b) * BLOCK_BYTES;
                int xb = xOff + (b) * BLOCK;
                float d = Halfs.half(w, bo + 208);
                for (int c = 0; c < 2; c++) {
                    for (int k = 0; k < 4; k++) {
                        long ql = bo + 64 * c + 32 * (k & 1), qh = bo + 128 + 32 * c, sc = bo + 192 + 8 * c + 2 * k;
                        int shift = 4 * (k >> 1);
                        for (int p = 0; p < 32; p += L) {
                            ByteVector hi = loadBytes(w, qh + p).lanewise(VectorOperators.LSHR, 2 * k).and((byte) 3).lanewise(VectorOperators.LSHL, 4);
                            ByteVector q = loadBytes(w, ql + p).lanewise(VectorOperators.LSHR, shift).and((byte) 15).or(hi).sub((byte) 32);
                            FloatVector wv = toFloats(q).mul(d * w.get(ValueLayout.JAVA_BYTE, sc + p / 16));
                            int xi = xb + 128 * c + 32 * k + p;
                            a0 = wv.fma(FloatVector.fromArray(F, x, xi), a0);
                            a1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), a1);
                            a2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), a2);
                            a3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), a3);
                        }
                    }
                }
            }
            {
                long bo = rowOff + (long) (b + 1) * BLOCK_BYTES;
                int xb = xOff + (b + 1) * BLOCK;
                float d = Halfs.half(w, bo + 208);
                for (int c = 0; c < 2; c++) {
                    for (int k = 0; k < 4; k++) {
                        long ql = bo + 64 * c + 32 * (k & 1), qh = bo + 128 + 32 * c, sc = bo + 192 + 8 * c + 2 * k;
                        int shift = 4 * (k >> 1);
                        for (int p = 0; p < 32; p += L) {
                            ByteVector hi = loadBytes(w, qh + p).lanewise(VectorOperators.LSHR, 2 * k).and((byte) 3).lanewise(VectorOperators.LSHL, 4);
                            ByteVector q = loadBytes(w, ql + p).lanewise(VectorOperators.LSHR, shift).and((byte) 15).or(hi).sub((byte) 32);
                            FloatVector wv = toFloats(q).mul(d * w.get(ValueLayout.JAVA_BYTE, sc + p / 16));
                            int xi = xb + 128 * c + 32 * k + p;
                            o0 = wv.fma(FloatVector.fromArray(F, x, xi), o0);
                            o1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), o1);
                            o2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), o2);
                            o3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), o3);
                        }
                    }
                }
            }
        }
        if (b < blocks) {
            {
                long bo = rowOff + (long) (b) * BLOCK_BYTES;
                int xb = xOff + (b) * BLOCK;
                float d = Halfs.half(w, bo + 208);
                for (int c = 0; c < 2; c++) {
                    for (int k = 0; k < 4; k++) {
                        long ql = bo + 64 * c + 32 * (k & 1), qh = bo + 128 + 32 * c, sc = bo + 192 + 8 * c + 2 * k;
                        int shift = 4 * (k >> 1);
                        for (int p = 0; p < 32; p += L) {
                            ByteVector hi = loadBytes(w, qh + p).lanewise(VectorOperators.LSHR, 2 * k).and((byte) 3).lanewise(VectorOperators.LSHL, 4);
                            ByteVector q = loadBytes(w, ql + p).lanewise(VectorOperators.LSHR, shift).and((byte) 15).or(hi).sub((byte) 32);
                            FloatVector wv = toFloats(q).mul(d * w.get(ValueLayout.JAVA_BYTE, sc + p / 16));
                            int xi = xb + 128 * c + 32 * k + p;
                            a0 = wv.fma(FloatVector.fromArray(F, x, xi), a0);
                            a1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), a1);
                            a2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), a2);
                            a3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), a3);
                        }
                    }
                }
            }
        }
        out[outOff] = KernelSpecies.sum(a0.add(o0));
        out[outOff + outStride] = KernelSpecies.sum(a1.add(o1));
        out[outOff + 2 * outStride] = KernelSpecies.sum(a2.add(o2));
        out[outOff + 3 * outStride] = KernelSpecies.sum(a3.add(o3));
    }
}
