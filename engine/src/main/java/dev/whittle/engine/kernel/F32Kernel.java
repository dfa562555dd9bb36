package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * F32 weights (little-endian): plain FMA over float lanes. Activations stay float (nothing to gain from
 * int8: F32 decode is bound by the 4 bytes/weight of memory traffic).
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Measured decode 5632×2048, 1 thread,
 * MatmulProbe best: 40.5 GB/s of weights (JMH tables: bench/kernel-benchmarks.md).
 */
public final class F32Kernel extends FloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public F32Kernel() {
        super(DType.F32);
    }

    /** The scalar reference decoder: one little-endian float. */
    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        dst[dstOff] = w.get(Halfs.LE_FLOAT, off);
    }

    /** Two accumulators (even/odd vectors) so consecutive FMAs do not wait on each other. */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F), odd = acc;
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            acc = FloatVector.fromMemorySegment(F, w, rowOff + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), acc);
            odd = FloatVector.fromMemorySegment(F, w, rowOff + 4L * (i + L), LE).fma(FloatVector.fromArray(F, x, xOff + i + L), odd);
        }
        if (i + L <= cols) {
            acc = FloatVector.fromMemorySegment(F, w, rowOff + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), acc);
            i += L;
        }
        float sum = KernelSpecies.sum(acc.add(odd));
        for (; i < cols; i++) sum += w.get(Halfs.LE_FLOAT, rowOff + 4L * i) * x[xOff + i];
        return sum;
    }

    /** Same per-token order as {@link #dot1}, so results match it bit for bit. */
    @Override
    void dot4(MemorySegment w, long rowOff, int cols, float[] x, int xOff, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, o0 = a0, o1 = a0, o2 = a0, o3 = a0;
        int x1 = xOff + cols, x2 = x1 + cols, x3 = x2 + cols;
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            FloatVector wv = FloatVector.fromMemorySegment(F, w, rowOff + 4L * i, LE);
            a0 = wv.fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
            int j = i + L;
            FloatVector wo = FloatVector.fromMemorySegment(F, w, rowOff + 4L * j, LE);
            o0 = wo.fma(FloatVector.fromArray(F, x, xOff + j), o0);
            o1 = wo.fma(FloatVector.fromArray(F, x, x1 + j), o1);
            o2 = wo.fma(FloatVector.fromArray(F, x, x2 + j), o2);
            o3 = wo.fma(FloatVector.fromArray(F, x, x3 + j), o3);
        }
        if (i + L <= cols) {
            FloatVector wv = FloatVector.fromMemorySegment(F, w, rowOff + 4L * i, LE);
            a0 = wv.fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
            i += L;
        }
        float s0 = KernelSpecies.sum(a0.add(o0)), s1 = KernelSpecies.sum(a1.add(o1));
        float s2 = KernelSpecies.sum(a2.add(o2)), s3 = KernelSpecies.sum(a3.add(o3));
        for (; i < cols; i++) {
            float wi = w.get(Halfs.LE_FLOAT, rowOff + 4L * i);
            s0 += wi * x[xOff + i];
            s1 += wi * x[x1 + i];
            s2 += wi * x[x2 + i];
            s3 += wi * x[x3 + i];
        }
        out[outOff] = s0;
        out[outOff + outStride] = s1;
        out[outOff + 2 * outStride] = s2;
        out[outOff + 3 * outStride] = s3;
    }

    @Override
    boolean hasFourRowTile() {
        return true;
    }

    /**
     * The prefill register tile: 4 rows × 2 tokens × even/odd halves = 16 accumulators, 12 loads per 16 FMAs
     * (dot4 does 10 loads per 8). Each output keeps dot1's order (even/odd vectors, then the scalar tail), so
     * results equal the single-token path bit for bit.
     */
    @Override
    void dot4Rows2Tokens(MemorySegment w, long rowOff, long rowBytes, int cols, float[] x, int xOff, float[] out,
                         int outOff, int outStride) {
        FloatVector z = FloatVector.zero(F);
        FloatVector a00 = z, a10 = z, a20 = z, a30 = z, a01 = z, a11 = z, a21 = z, a31 = z;
        FloatVector o00 = z, o10 = z, o20 = z, o30 = z, o01 = z, o11 = z, o21 = z, o31 = z;
        long r0 = rowOff, r1 = rowOff + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
        int x1 = xOff + cols;
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            FloatVector t0 = FloatVector.fromArray(F, x, xOff + i), t1 = FloatVector.fromArray(F, x, x1 + i);
            FloatVector w0 = FloatVector.fromMemorySegment(F, w, r0 + 4L * i, LE);
            FloatVector w1 = FloatVector.fromMemorySegment(F, w, r1 + 4L * i, LE);
            FloatVector w2 = FloatVector.fromMemorySegment(F, w, r2 + 4L * i, LE);
            FloatVector w3 = FloatVector.fromMemorySegment(F, w, r3 + 4L * i, LE);
            a00 = w0.fma(t0, a00); a10 = w1.fma(t0, a10); a20 = w2.fma(t0, a20); a30 = w3.fma(t0, a30);
            a01 = w0.fma(t1, a01); a11 = w1.fma(t1, a11); a21 = w2.fma(t1, a21); a31 = w3.fma(t1, a31);
            int j = i + L;
            t0 = FloatVector.fromArray(F, x, xOff + j);
            t1 = FloatVector.fromArray(F, x, x1 + j);
            w0 = FloatVector.fromMemorySegment(F, w, r0 + 4L * j, LE);
            w1 = FloatVector.fromMemorySegment(F, w, r1 + 4L * j, LE);
            w2 = FloatVector.fromMemorySegment(F, w, r2 + 4L * j, LE);
            w3 = FloatVector.fromMemorySegment(F, w, r3 + 4L * j, LE);
            o00 = w0.fma(t0, o00); o10 = w1.fma(t0, o10); o20 = w2.fma(t0, o20); o30 = w3.fma(t0, o30);
            o01 = w0.fma(t1, o01); o11 = w1.fma(t1, o11); o21 = w2.fma(t1, o21); o31 = w3.fma(t1, o31);
        }
        if (i + L <= cols) {
            FloatVector t0 = FloatVector.fromArray(F, x, xOff + i), t1 = FloatVector.fromArray(F, x, x1 + i);
            FloatVector w0 = FloatVector.fromMemorySegment(F, w, r0 + 4L * i, LE);
            FloatVector w1 = FloatVector.fromMemorySegment(F, w, r1 + 4L * i, LE);
            FloatVector w2 = FloatVector.fromMemorySegment(F, w, r2 + 4L * i, LE);
            FloatVector w3 = FloatVector.fromMemorySegment(F, w, r3 + 4L * i, LE);
            a00 = w0.fma(t0, a00); a10 = w1.fma(t0, a10); a20 = w2.fma(t0, a20); a30 = w3.fma(t0, a30);
            a01 = w0.fma(t1, a01); a11 = w1.fma(t1, a11); a21 = w2.fma(t1, a21); a31 = w3.fma(t1, a31);
            i += L;
        }
        int tail = i;
        out[outOff] = finish(w, r0, tail, cols, x, xOff, KernelSpecies.sum(a00.add(o00)));
        out[outOff + 1] = finish(w, r1, tail, cols, x, xOff, KernelSpecies.sum(a10.add(o10)));
        out[outOff + 2] = finish(w, r2, tail, cols, x, xOff, KernelSpecies.sum(a20.add(o20)));
        out[outOff + 3] = finish(w, r3, tail, cols, x, xOff, KernelSpecies.sum(a30.add(o30)));
        out[outOff + outStride] = finish(w, r0, tail, cols, x, x1, KernelSpecies.sum(a01.add(o01)));
        out[outOff + outStride + 1] = finish(w, r1, tail, cols, x, x1, KernelSpecies.sum(a11.add(o11)));
        out[outOff + outStride + 2] = finish(w, r2, tail, cols, x, x1, KernelSpecies.sum(a21.add(o21)));
        out[outOff + outStride + 3] = finish(w, r3, tail, cols, x, x1, KernelSpecies.sum(a31.add(o31)));
    }

    /** dot1's scalar tail: columns [from, cols) added one by one to the vector part's sum. */
    private static float finish(MemorySegment w, long rowOff, int from, int cols, float[] x, int xOff, float sum) {
        for (int i = from; i < cols; i++) sum += w.get(Halfs.LE_FLOAT, rowOff + 4L * i) * x[xOff + i];
        return sum;
    }

    @Override
    void decodeBlock(MemorySegment w, long off, float[] dst, int dstOff) {
        decodeScalar(w, off, dst, dstOff);
    }

    @Override
    void decodeRow(MemorySegment w, long rowOff, int cols, float[] dst, int dstOff) {
        MemorySegment.copy(w, Halfs.LE_FLOAT, rowOff, dst, dstOff, cols);
    }
}
