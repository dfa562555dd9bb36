package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.whittle.engine.kernel.KernelSpecies.withFifthBits;
import static dev.whittle.engine.kernel.KernelSpecies.loadBytes;

/**
 * Q5_1 weights: blocks of 32, {@code f16 d; f16 m; u32 qh; u8 qs[16]}; 5-bit q as in Q5_0 (without the -16),
 * weight = d * q + m.
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Decode (one token) as {@link Q5_0Kernel}, with
 * the min added through per-block sums of x as in {@link Q4_1Kernel}. Measured on the 2-vCPU Xeon, MatmulProbe
 * best, 512×2048, 1 thread, alternating with the previous byte-shift version: 3.8-4.6 against 3.3-4.2 GB/s.
 * <p>Two rows at a time from segments far apart ({@link #dot1Rows2}), MatmulProbe best over a 1.1 GB file:
 * 6.6 → 7.5 GB/s on 1 thread, 10.3 → 15.1 on 2.
 */
public final class Q5_1Kernel extends FloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 24;

    public Q5_1Kernel() {
        super(DType.Q5_1);
    }

    /** Scalar reference: decodes the block at {@code off} into {@code dst[dstOff ..]} exactly as the format defines it. */
    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        float d = Halfs.half(w, off), m = Halfs.half(w, off + 2);
        int qh = w.get(Halfs.LE_INT, off + 4);
        for (int j = 0; j < 16; j++) {
            int q = w.get(ValueLayout.JAVA_BYTE, off + 8 + j) & 0xFF;
            dst[dstOff + j] = d * ((q & 15) | ((qh >>> j) & 1) << 4) + m;
            dst[dstOff + j + 16] = d * ((q >> 4) | ((qh >>> (j + 16)) & 1) << 4) + m;
        }
    }

    /** Activations with their per-block sums ({@link BlockSums}), which carry the min. */
    @Override
    PreparedInput prepared(float[] x, int n, int cols) {
        return BlockSums.of(x, n, cols, 1f / L);
    }

    /**
     * Weights {@code d·q + m}: Σ = d·Σ q·x + m·Σx, with nibbles taken from bytes zero-extended to int lanes (one AND or one shift, no byte
     * shifts, which x86 lacks). The fifth bits: 16 OR-ed into the lanes whose qh bit is set, under a mask made from qh. The min meets the block sum of x in one FMA per block (its own chain). Blocks alternate between two accumulators (FMA latency);
     * one block loop written once keeps the compilation under C2's node budget.
     */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, PreparedInput in, int token) {
        BlockSums bs = (BlockSums) in; // always: this kernel prepared it
        float[] x = bs.floats(), sums = bs.sums();
        int blocks = cols / BLOCK, xOff = token * cols, sOff = token * blocks;
        FloatVector z = FloatVector.zero(F), acc = z, other = z, mn = z;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            long head = w.get(KQuants.LE_LONG, bo); // d, m and qh with one load (see Q4_1Kernel#dot1)
            int dm = (int) head, qh = (int) (head >>> 32);
            FloatVector s = z;
            for (int p = 0; p < 16; p += L) {
                IntVector q = (IntVector) loadBytes(w, bo + 8 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                IntVector lo = q.and(15), hi = q.lanewise(VectorOperators.LSHR, 4);
                lo = withFifthBits(lo, qh >>> p);
                hi = withFifthBits(hi, qh >>> (16 + p));
                s = ((FloatVector) lo.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, x, xb + p), s);
                s = ((FloatVector) hi.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, x, xb + 16 + p), s);
            }
            FloatVector next = s.fma(FloatVector.broadcast(F, Halfs.lowHalf(dm)), other);
            other = acc;
            acc = next;
            mn = FloatVector.broadcast(F, Halfs.highHalf(dm)).fma(FloatVector.broadcast(F, sums[sOff + b]), mn);
        }
        return KernelSpecies.sum(acc.add(other).add(mn));
    }

    /**
     * Two rows, each with exactly {@link #dot1}'s operations and order (so the same bits), sharing the activation
     * loads; the rows come from segments far apart ({@link RowStreams}), which keeps the prefetcher
     * busy on two pages.
     */
    @Override
    void dot1Rows2(MemorySegment w, long ra, long rb, int cols, PreparedInput in, float[] out, int r, int outStride) {
        BlockSums bs = (BlockSums) in;
        float[] x = bs.floats(), sums = bs.sums();
        int blocks = cols / BLOCK;
        FloatVector z = FloatVector.zero(F);
        FloatVector aa = z, ab = z, oa = z, ob = z, ma = z, mb = z;
        for (int b = 0; b < blocks; b++) {
            long ba = ra + (long) b * BLOCK_BYTES, bb = rb + (long) b * BLOCK_BYTES;
            int xb = b * BLOCK;
            long heada = w.get(KQuants.LE_LONG, ba), headb = w.get(KQuants.LE_LONG, bb);
            int dma = (int) heada, qha = (int) (heada >>> 32), dmb = (int) headb, qhb = (int) (headb >>> 32);
            FloatVector sa = z, sb = z;
            for (int p = 0; p < 16; p += L) {
                FloatVector xl = FloatVector.fromArray(F, x, xb + p), xh = FloatVector.fromArray(F, x, xb + 16 + p);
                IntVector qa = (IntVector) loadBytes(w, ba + 8 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                IntVector qb = (IntVector) loadBytes(w, bb + 8 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                FloatVector la = (FloatVector) withFifthBits(qa.and(15), qha >>> p).convert(VectorOperators.I2F, 0);
                FloatVector ha = (FloatVector) withFifthBits(qa.lanewise(VectorOperators.LSHR, 4), qha >>> (16 + p)).convert(VectorOperators.I2F, 0);
                FloatVector lb = (FloatVector) withFifthBits(qb.and(15), qhb >>> p).convert(VectorOperators.I2F, 0);
                FloatVector hb = (FloatVector) withFifthBits(qb.lanewise(VectorOperators.LSHR, 4), qhb >>> (16 + p)).convert(VectorOperators.I2F, 0);
                sa = ha.fma(xh, la.fma(xl, sa));
                sb = hb.fma(xh, lb.fma(xl, sb));
            }
            FloatVector na = sa.fma(FloatVector.broadcast(F, Halfs.lowHalf(dma)), oa);
            FloatVector nb = sb.fma(FloatVector.broadcast(F, Halfs.lowHalf(dmb)), ob);
            oa = aa;
            ob = ab;
            aa = na;
            ab = nb;
            FloatVector sx = FloatVector.broadcast(F, sums[b]);
            ma = FloatVector.broadcast(F, Halfs.highHalf(dma)).fma(sx, ma);
            mb = FloatVector.broadcast(F, Halfs.highHalf(dmb)).fma(sx, mb);
        }
        if (L == 16) {
            // both sums at once, in sum's order (see KernelSpecies.LOW_8): lanes 0 and 4
            FloatVector ta = aa.add(oa).add(ma), tb = ab.add(ob).add(mb);
            FloatVector sh = KernelSpecies.LOW_8.selectFrom(ta, tb).add(KernelSpecies.HIGH_8.selectFrom(ta, tb));
            FloatVector sq = KernelSpecies.LOW_4.selectFrom(sh, sh).add(KernelSpecies.HIGH_4.selectFrom(sh, sh));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_2));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_1));
            out[r] = sq.lane(0);
            out[r + outStride] = sq.lane(4);
        } else {
            out[r] = KernelSpecies.sum(aa.add(oa).add(ma));
            out[r + outStride] = KernelSpecies.sum(ab.add(ob).add(mb));
        }
    }

    /** Per token exactly {@link #dot1}'s operations and order, so results match it bit for bit. */
    @Override
    void dot4(MemorySegment w, long rowOff, int cols, PreparedInput in, int token, float[] out, int outOff,
              int outStride) {
        BlockSums bs = (BlockSums) in;
        float[] x = bs.floats(), sums = bs.sums();
        int blocks = cols / BLOCK, xOff = token * cols, sOff = token * blocks;
        FloatVector z = FloatVector.zero(F);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z;
        FloatVector m0 = z, m1 = z, m2 = z, m3 = z;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK, sb = sOff + b;
            int qh = w.get(Halfs.LE_INT, bo + 4);
            FloatVector s0 = z, s1 = z, s2 = z, s3 = z;
            for (int p = 0; p < 16; p += L) {
                IntVector q = (IntVector) loadBytes(w, bo + 8 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                IntVector lo = q.and(15), hi = q.lanewise(VectorOperators.LSHR, 4);
                lo = withFifthBits(lo, qh >>> p);
                hi = withFifthBits(hi, qh >>> (16 + p));
                FloatVector fl = (FloatVector) lo.convert(VectorOperators.I2F, 0), fh = (FloatVector) hi.convert(VectorOperators.I2F, 0);
                int xl = xb + p, xh = xb + 16 + p;
                s0 = fh.fma(FloatVector.fromArray(F, x, xh), fl.fma(FloatVector.fromArray(F, x, xl), s0));
                s1 = fh.fma(FloatVector.fromArray(F, x, xh + cols), fl.fma(FloatVector.fromArray(F, x, xl + cols), s1));
                s2 = fh.fma(FloatVector.fromArray(F, x, xh + 2 * cols), fl.fma(FloatVector.fromArray(F, x, xl + 2 * cols), s2));
                s3 = fh.fma(FloatVector.fromArray(F, x, xh + 3 * cols), fl.fma(FloatVector.fromArray(F, x, xl + 3 * cols), s3));
            }
            FloatVector d = FloatVector.broadcast(F, Halfs.half(w, bo));
            FloatVector n0 = s0.fma(d, b0), n1 = s1.fma(d, b1), n2 = s2.fma(d, b2), n3 = s3.fma(d, b3);
            b0 = a0;
            b1 = a1;
            b2 = a2;
            b3 = a3;
            a0 = n0;
            a1 = n1;
            a2 = n2;
            a3 = n3;
            FloatVector m = FloatVector.broadcast(F, Halfs.half(w, bo + 2));
            m0 = m.fma(FloatVector.broadcast(F, sums[sb]), m0);
            m1 = m.fma(FloatVector.broadcast(F, sums[sb + blocks]), m1);
            m2 = m.fma(FloatVector.broadcast(F, sums[sb + 2 * blocks]), m2);
            m3 = m.fma(FloatVector.broadcast(F, sums[sb + 3 * blocks]), m3);
        }
        if (L == 16) {
            // four sums at once, in sum's order (see KernelSpecies.LOW_8): lanes 0, 4, 8, 12
            FloatVector t0 = a0.add(b0).add(m0), t1 = a1.add(b1).add(m1), t2 = a2.add(b2).add(m2), t3 = a3.add(b3).add(m3);
            FloatVector sh = KernelSpecies.LOW_8.selectFrom(t0, t1).add(KernelSpecies.HIGH_8.selectFrom(t0, t1));
            FloatVector sk = KernelSpecies.LOW_8.selectFrom(t2, t3).add(KernelSpecies.HIGH_8.selectFrom(t2, t3));
            FloatVector sq = KernelSpecies.LOW_4.selectFrom(sh, sk).add(KernelSpecies.HIGH_4.selectFrom(sh, sk));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_2));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_1));
            out[outOff] = sq.lane(0);
            out[outOff + outStride] = sq.lane(4);
            out[outOff + 2 * outStride] = sq.lane(8);
            out[outOff + 3 * outStride] = sq.lane(12);
        } else {
            out[outOff] = KernelSpecies.sum(a0.add(b0).add(m0));
            out[outOff + outStride] = KernelSpecies.sum(a1.add(b1).add(m1));
            out[outOff + 2 * outStride] = KernelSpecies.sum(a2.add(b2).add(m2));
            out[outOff + 3 * outStride] = KernelSpecies.sum(a3.add(b3).add(m3));
        }
    }

    /** Vectorised {@link #decodeScalar} over a row for the prefill panels: the same operations, so the same floats. */
    @Override
    void decodeRow(MemorySegment w, long rowOff, int cols, float[] dst, int dstOff) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            float d = Halfs.half(w, bo), m = Halfs.half(w, bo + 2);
            int qh = w.get(Halfs.LE_INT, bo + 4);
            int o = dstOff + b * BLOCK;
            for (int p = 0; p < 16; p += L) {
                IntVector q = (IntVector) loadBytes(w, bo + 8 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                IntVector lo = q.and(15), hi = q.lanewise(VectorOperators.LSHR, 4);
                lo = withFifthBits(lo, qh >>> p);
                hi = withFifthBits(hi, qh >>> (16 + p));
                ((FloatVector) lo.convert(VectorOperators.I2F, 0)).mul(d).add(m).intoArray(dst, o + p);
                ((FloatVector) hi.convert(VectorOperators.I2F, 0)).mul(d).add(m).intoArray(dst, o + 16 + p);
            }
        }
    }

    @Override
    void decodeBlock(MemorySegment w, long off, float[] dst, int dstOff) {
        decodeScalar(w, off, dst, dstOff);
    }
}
