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
 * Q5_K weights: super-blocks of 256, {@code f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]}: as Q4_K,
 * plus a fifth bit for element 32*sub + l at bit sub of qh[l].
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Measured decode 5632×2048, 1 thread,
 * MatmulProbe best: 1.0 (warm-up incomplete) GB/s of weights (JMH tables: bench/kernel-benchmarks.md).
 */
public final class Q5_KKernel extends FloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 176;
    private static final int QS = 48;

    public Q5_KKernel() {
        super(DType.Q5_K);
    }

    /** Scalar reference: decodes the block at {@code off} into {@code dst[dstOff ..]} exactly as the format defines it. */
    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        float d = Halfs.half(w, off), dmin = Halfs.half(w, off + 2);
        for (int c = 0; c < 4; c++) {
            float d1 = d * KQuants.scale(w, off + 4, 2 * c), m1 = dmin * KQuants.min(w, off + 4, 2 * c);
            float d2 = d * KQuants.scale(w, off + 4, 2 * c + 1), m2 = dmin * KQuants.min(w, off + 4, 2 * c + 1);
            for (int l = 0; l < 32; l++) {
                int q = w.get(ValueLayout.JAVA_BYTE, off + 48 + 32 * c + l) & 0xFF;
                int h = w.get(ValueLayout.JAVA_BYTE, off + 16 + l) & 0xFF;
                dst[dstOff + 64 * c + l] = d1 * ((q & 15) | ((h >> (2 * c)) & 1) << 4) - m1;
                dst[dstOff + 64 * c + 32 + l] = d2 * ((q >> 4) | ((h >> (2 * c + 1)) & 1) << 4) - m2;
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
                float d = Halfs.half(w, bo), dmin = Halfs.half(w, bo + 2);
                for (int sub = 0; sub < 8; sub++) {
                    float ds = d * KQuants.scale(w, bo + 4, sub), dm = -dmin * KQuants.min(w, bo + 4, sub);
                    long qs = bo + QS + 32 * (sub >> 1);
                    int shift = 4 * (sub & 1);
                    for (int p = 0; p < 32; p += L) {
                        ByteVector hb = loadBytes(w, bo + 16 + p).lanewise(VectorOperators.LSHR, sub).and((byte) 1).lanewise(VectorOperators.LSHL, 4);
                        FloatVector wv = toFloats(loadBytes(w, qs + p).lanewise(VectorOperators.LSHR, shift).and((byte) 15).or(hb)).fma(ds, dm);
                        acc = wv.fma(FloatVector.fromArray(F, x, xb + 32 * sub + p), acc);
                    }
                }
            }
            {
                long bo = rowOff + (long) (b + 1) * BLOCK_BYTES;
                int xb = xOff + (b + 1) * BLOCK;
                float d = Halfs.half(w, bo), dmin = Halfs.half(w, bo + 2);
                for (int sub = 0; sub < 8; sub++) {
                    float ds = d * KQuants.scale(w, bo + 4, sub), dm = -dmin * KQuants.min(w, bo + 4, sub);
                    long qs = bo + QS + 32 * (sub >> 1);
                    int shift = 4 * (sub & 1);
                    for (int p = 0; p < 32; p += L) {
                        ByteVector hb = loadBytes(w, bo + 16 + p).lanewise(VectorOperators.LSHR, sub).and((byte) 1).lanewise(VectorOperators.LSHL, 4);
                        FloatVector wv = toFloats(loadBytes(w, qs + p).lanewise(VectorOperators.LSHR, shift).and((byte) 15).or(hb)).fma(ds, dm);
                        odd = wv.fma(FloatVector.fromArray(F, x, xb + 32 * sub + p), odd);
                    }
                }
            }
        }
        if (b < blocks) {
            {
                long bo = rowOff + (long) (b) * BLOCK_BYTES;
                int xb = xOff + (b) * BLOCK;
                float d = Halfs.half(w, bo), dmin = Halfs.half(w, bo + 2);
                for (int sub = 0; sub < 8; sub++) {
                    float ds = d * KQuants.scale(w, bo + 4, sub), dm = -dmin * KQuants.min(w, bo + 4, sub);
                    long qs = bo + QS + 32 * (sub >> 1);
                    int shift = 4 * (sub & 1);
                    for (int p = 0; p < 32; p += L) {
                        ByteVector hb = loadBytes(w, bo + 16 + p).lanewise(VectorOperators.LSHR, sub).and((byte) 1).lanewise(VectorOperators.LSHL, 4);
                        FloatVector wv = toFloats(loadBytes(w, qs + p).lanewise(VectorOperators.LSHR, shift).and((byte) 15).or(hb)).fma(ds, dm);
                        acc = wv.fma(FloatVector.fromArray(F, x, xb + 32 * sub + p), acc);
                    }
                }
            }
        }
        return acc.add(odd).reduceLanes(VectorOperators.ADD);
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
                float d = Halfs.half(w, bo), dmin = Halfs.half(w, bo + 2);
                for (int sub = 0; sub < 8; sub++) {
                    float ds = d * KQuants.scale(w, bo + 4, sub), dm = -dmin * KQuants.min(w, bo + 4, sub);
                    long qs = bo + QS + 32 * (sub >> 1);
                    int shift = 4 * (sub & 1);
                    for (int p = 0; p < 32; p += L) {
                        ByteVector hb = loadBytes(w, bo + 16 + p).lanewise(VectorOperators.LSHR, sub).and((byte) 1).lanewise(VectorOperators.LSHL, 4);
                        FloatVector wv = toFloats(loadBytes(w, qs + p).lanewise(VectorOperators.LSHR, shift).and((byte) 15).or(hb)).fma(ds, dm);
                        int xi = xb + 32 * sub + p;
                        a0 = wv.fma(FloatVector.fromArray(F, x, xi), a0);
                        a1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), a1);
                        a2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), a2);
                        a3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), a3);
                    }
                }
            }
            {
                long bo = rowOff + (long) (b + 1) * BLOCK_BYTES;
                int xb = xOff + (b + 1) * BLOCK;
                float d = Halfs.half(w, bo), dmin = Halfs.half(w, bo + 2);
                for (int sub = 0; sub < 8; sub++) {
                    float ds = d * KQuants.scale(w, bo + 4, sub), dm = -dmin * KQuants.min(w, bo + 4, sub);
                    long qs = bo + QS + 32 * (sub >> 1);
                    int shift = 4 * (sub & 1);
                    for (int p = 0; p < 32; p += L) {
                        ByteVector hb = loadBytes(w, bo + 16 + p).lanewise(VectorOperators.LSHR, sub).and((byte) 1).lanewise(VectorOperators.LSHL, 4);
                        FloatVector wv = toFloats(loadBytes(w, qs + p).lanewise(VectorOperators.LSHR, shift).and((byte) 15).or(hb)).fma(ds, dm);
                        int xi = xb + 32 * sub + p;
                        o0 = wv.fma(FloatVector.fromArray(F, x, xi), o0);
                        o1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), o1);
                        o2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), o2);
                        o3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), o3);
                    }
                }
            }
        }
        if (b < blocks) {
            {
                long bo = rowOff + (long) (b) * BLOCK_BYTES;
                int xb = xOff + (b) * BLOCK;
                float d = Halfs.half(w, bo), dmin = Halfs.half(w, bo + 2);
                for (int sub = 0; sub < 8; sub++) {
                    float ds = d * KQuants.scale(w, bo + 4, sub), dm = -dmin * KQuants.min(w, bo + 4, sub);
                    long qs = bo + QS + 32 * (sub >> 1);
                    int shift = 4 * (sub & 1);
                    for (int p = 0; p < 32; p += L) {
                        ByteVector hb = loadBytes(w, bo + 16 + p).lanewise(VectorOperators.LSHR, sub).and((byte) 1).lanewise(VectorOperators.LSHL, 4);
                        FloatVector wv = toFloats(loadBytes(w, qs + p).lanewise(VectorOperators.LSHR, shift).and((byte) 15).or(hb)).fma(ds, dm);
                        int xi = xb + 32 * sub + p;
                        a0 = wv.fma(FloatVector.fromArray(F, x, xi), a0);
                        a1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), a1);
                        a2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), a2);
                        a3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), a3);
                    }
                }
            }
        }
        out[outOff] = a0.add(o0).reduceLanes(VectorOperators.ADD);
        out[outOff + outStride] = a1.add(o1).reduceLanes(VectorOperators.ADD);
        out[outOff + 2 * outStride] = a2.add(o2).reduceLanes(VectorOperators.ADD);
        out[outOff + 3 * outStride] = a3.add(o3).reduceLanes(VectorOperators.ADD);
    }
}
