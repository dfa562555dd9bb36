package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.whittle.engine.kernel.KernelSpecies.loadBytes;
import static dev.whittle.engine.kernel.KernelSpecies.toInts;

/**
 * Q5_0 weights: blocks of 32, {@code f16 d; u32 qh; u8 qs[16]}; element e's fifth bit is bit e of qh (little
 * endian), its low four bits the low (e < 16) or high (e >= 16) nibble of qs[e % 16]; weight = d * (q - 16).
 * The high bits are shifted out per lane in int lanes, then widened to floats.
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Measured decode 5632×2048, 1 thread,
 * MatmulProbe best: 6.2 GB/s of weights (JMH tables: bench/kernel-benchmarks.md).
 */
public final class Q5_0Kernel extends FloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 22;
    /** Lane index 0..L-1: per-lane shift that picks each element's high bit out of the 32-bit qh word. */
    private static final IntVector IOTA = IntVector.zero(KernelSpecies.I).addIndex(1);

    public Q5_0Kernel() {
        super(DType.Q5_0);
    }

    /** Scalar reference: decodes the block at {@code off} into {@code dst[dstOff ..]} exactly as the format defines it. */
    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        float d = Halfs.half(w, off);
        int qh = w.get(Halfs.LE_INT, off + 2);
        for (int j = 0; j < 16; j++) {
            int q = w.get(ValueLayout.JAVA_BYTE, off + 6 + j) & 0xFF;
            dst[dstOff + j] = d * (((q & 15) | ((qh >>> j) & 1) << 4) - 16);
            dst[dstOff + j + 16] = d * (((q >> 4) | ((qh >>> (j + 16)) & 1) << 4) - 16);
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
                float d = Halfs.half(w, bo);
                int qh = w.get(Halfs.LE_INT, bo + 2);
                for (int h = 0; h < 2; h++) {
                    for (int p = 0; p < 16; p += L) {
                        ByteVector q = loadBytes(w, bo + 6 + p).lanewise(VectorOperators.LSHR, 4 * h).and((byte) 15);
                        IntVector hb = IntVector.broadcast(KernelSpecies.I, qh >>> (16 * h + p)).lanewise(VectorOperators.LSHR, IOTA).and(1);
                        FloatVector wv = ((FloatVector) toInts(q).or(hb.lanewise(VectorOperators.LSHL, 4)).sub(16).convert(VectorOperators.I2F, 0)).mul(d);
                        acc = wv.fma(FloatVector.fromArray(F, x, xb + 16 * h + p), acc);
                    }
                }
            }
            {
                long bo = rowOff + (long) (b + 1) * BLOCK_BYTES;
                int xb = xOff + (b + 1) * BLOCK;
                float d = Halfs.half(w, bo);
                int qh = w.get(Halfs.LE_INT, bo + 2);
                for (int h = 0; h < 2; h++) {
                    for (int p = 0; p < 16; p += L) {
                        ByteVector q = loadBytes(w, bo + 6 + p).lanewise(VectorOperators.LSHR, 4 * h).and((byte) 15);
                        IntVector hb = IntVector.broadcast(KernelSpecies.I, qh >>> (16 * h + p)).lanewise(VectorOperators.LSHR, IOTA).and(1);
                        FloatVector wv = ((FloatVector) toInts(q).or(hb.lanewise(VectorOperators.LSHL, 4)).sub(16).convert(VectorOperators.I2F, 0)).mul(d);
                        odd = wv.fma(FloatVector.fromArray(F, x, xb + 16 * h + p), odd);
                    }
                }
            }
        }
        if (b < blocks) {
            {
                long bo = rowOff + (long) (b) * BLOCK_BYTES;
                int xb = xOff + (b) * BLOCK;
                float d = Halfs.half(w, bo);
                int qh = w.get(Halfs.LE_INT, bo + 2);
                for (int h = 0; h < 2; h++) {
                    for (int p = 0; p < 16; p += L) {
                        ByteVector q = loadBytes(w, bo + 6 + p).lanewise(VectorOperators.LSHR, 4 * h).and((byte) 15);
                        IntVector hb = IntVector.broadcast(KernelSpecies.I, qh >>> (16 * h + p)).lanewise(VectorOperators.LSHR, IOTA).and(1);
                        FloatVector wv = ((FloatVector) toInts(q).or(hb.lanewise(VectorOperators.LSHL, 4)).sub(16).convert(VectorOperators.I2F, 0)).mul(d);
                        acc = wv.fma(FloatVector.fromArray(F, x, xb + 16 * h + p), acc);
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
                float d = Halfs.half(w, bo);
                int qh = w.get(Halfs.LE_INT, bo + 2);
                for (int h = 0; h < 2; h++) {
                    for (int p = 0; p < 16; p += L) {
                        ByteVector q = loadBytes(w, bo + 6 + p).lanewise(VectorOperators.LSHR, 4 * h).and((byte) 15);
                        IntVector hb = IntVector.broadcast(KernelSpecies.I, qh >>> (16 * h + p)).lanewise(VectorOperators.LSHR, IOTA).and(1);
                        FloatVector wv = ((FloatVector) toInts(q).or(hb.lanewise(VectorOperators.LSHL, 4)).sub(16).convert(VectorOperators.I2F, 0)).mul(d);
                        int xi = xb + 16 * h + p;
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
                float d = Halfs.half(w, bo);
                int qh = w.get(Halfs.LE_INT, bo + 2);
                for (int h = 0; h < 2; h++) {
                    for (int p = 0; p < 16; p += L) {
                        ByteVector q = loadBytes(w, bo + 6 + p).lanewise(VectorOperators.LSHR, 4 * h).and((byte) 15);
                        IntVector hb = IntVector.broadcast(KernelSpecies.I, qh >>> (16 * h + p)).lanewise(VectorOperators.LSHR, IOTA).and(1);
                        FloatVector wv = ((FloatVector) toInts(q).or(hb.lanewise(VectorOperators.LSHL, 4)).sub(16).convert(VectorOperators.I2F, 0)).mul(d);
                        int xi = xb + 16 * h + p;
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
                float d = Halfs.half(w, bo);
                int qh = w.get(Halfs.LE_INT, bo + 2);
                for (int h = 0; h < 2; h++) {
                    for (int p = 0; p < 16; p += L) {
                        ByteVector q = loadBytes(w, bo + 6 + p).lanewise(VectorOperators.LSHR, 4 * h).and((byte) 15);
                        IntVector hb = IntVector.broadcast(KernelSpecies.I, qh >>> (16 * h + p)).lanewise(VectorOperators.LSHR, IOTA).and(1);
                        FloatVector wv = ((FloatVector) toInts(q).or(hb.lanewise(VectorOperators.LSHL, 4)).sub(16).convert(VectorOperators.I2F, 0)).mul(d);
                        int xi = xb + 16 * h + p;
                        a0 = wv.fma(FloatVector.fromArray(F, x, xi), a0);
                        a1 = wv.fma(FloatVector.fromArray(F, x, xi + cols), a1);
                        a2 = wv.fma(FloatVector.fromArray(F, x, xi + 2 * cols), a2);
                        a3 = wv.fma(FloatVector.fromArray(F, x, xi + 3 * cols), a3);
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
}
