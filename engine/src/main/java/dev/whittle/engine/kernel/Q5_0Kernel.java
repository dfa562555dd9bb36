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
 * Q5_0 weights: blocks of 32, {@code f16 d; u32 qh; u8 qs[16]}; element e's fifth bit is bit e of qh (little
 * endian), its low four bits the low (e < 16) or high (e >= 16) nibble of qs[e % 16]; weight = d * (q - 16).
 * The fifth bits are OR-ed into int lanes under a mask, then the lanes widened to floats.
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Decode (one token) in {@link Q4_0Kernel}'s shape:
 * nibbles from zero-extended int lanes, fifth bits by a masked OR ({@link KernelSpecies#withFifthBits}), the −16 as the block's starting value.
 * Measured on the 2-vCPU Xeon, MatmulProbe best, 512×2048, 1 thread, alternating with the previous byte-shift
 * version: 5.6-7.3 against 3.1-4.0 GB/s; prefill-32 2048×2048 11.7-12.0 against 14.0-16.5 ms (rows decoded
 * with vectors now, not block by block in scalar code). Two rows at a time from segments far apart
 * ({@link #dot1Rows2}), MatmulProbe best over a 1.1 GB file: 7.2 → 8.6 GB/s on 1 thread, 10.4 → 17.2 on 2.
 */
public final class Q5_0Kernel extends FloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 22;

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

    /** Activations with their per-block sums ({@link BlockSums}), which carry the −16. */
    @Override
    PreparedInput prepared(float[] x, int n, int cols) {
        return BlockSums.of(x, n, cols, -16f / L);
    }

    /**
     * Weights {@code d·(q − 16)}: Σ = d·(Σ q·x − 16·Σx), with nibbles taken from bytes zero-extended to int lanes (one AND or one shift, no byte
     * shifts, which x86 lacks). The fifth bits: 16 OR-ed into the lanes whose qh bit is set, under a mask made from qh. The −16 is the block lane sum's starting value, as in {@link Q4_0Kernel}. Blocks alternate between two accumulators (FMA latency);
     * one block loop written once keeps the compilation under C2's node budget.
     */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, PreparedInput in, int token) {
        BlockSums bs = (BlockSums) in; // always: this kernel prepared it
        float[] x = bs.floats(), sums = bs.sums();
        int blocks = cols / BLOCK, xOff = token * cols, sOff = token * blocks;
        FloatVector z = FloatVector.zero(F), acc = z, other = z;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            int qh = w.get(Halfs.LE_INT, bo + 2);
            FloatVector s = FloatVector.broadcast(F, sums[sOff + b]);
            for (int p = 0; p < 16; p += L) {
                IntVector q = (IntVector) loadBytes(w, bo + 6 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                IntVector lo = q.and(15), hi = q.lanewise(VectorOperators.LSHR, 4);
                lo = withFifthBits(lo, qh >>> p);
                hi = withFifthBits(hi, qh >>> (16 + p));
                s = ((FloatVector) lo.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, x, xb + p), s);
                s = ((FloatVector) hi.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, x, xb + 16 + p), s);
            }
            FloatVector next = s.fma(FloatVector.broadcast(F, Halfs.half(w, bo)), other);
            other = acc;
            acc = next;
        }
        return KernelSpecies.sum(acc.add(other));
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
        FloatVector aa = z, ab = z, oa = z, ob = z;
        for (int b = 0; b < blocks; b++) {
            long ba = ra + (long) b * BLOCK_BYTES, bb = rb + (long) b * BLOCK_BYTES;
            int xb = b * BLOCK;
            int qha = w.get(Halfs.LE_INT, ba + 2), qhb = w.get(Halfs.LE_INT, bb + 2);
            FloatVector sa = FloatVector.broadcast(F, sums[b]), sb = sa;
            for (int p = 0; p < 16; p += L) {
                FloatVector xl = FloatVector.fromArray(F, x, xb + p), xh = FloatVector.fromArray(F, x, xb + 16 + p);
                IntVector qa = (IntVector) loadBytes(w, ba + 6 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                IntVector qb = (IntVector) loadBytes(w, bb + 6 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                FloatVector la = (FloatVector) withFifthBits(qa.and(15), qha >>> p).convert(VectorOperators.I2F, 0);
                FloatVector ha = (FloatVector) withFifthBits(qa.lanewise(VectorOperators.LSHR, 4), qha >>> (16 + p)).convert(VectorOperators.I2F, 0);
                FloatVector lb = (FloatVector) withFifthBits(qb.and(15), qhb >>> p).convert(VectorOperators.I2F, 0);
                FloatVector hb = (FloatVector) withFifthBits(qb.lanewise(VectorOperators.LSHR, 4), qhb >>> (16 + p)).convert(VectorOperators.I2F, 0);
                sa = ha.fma(xh, la.fma(xl, sa));
                sb = hb.fma(xh, lb.fma(xl, sb));
            }
            FloatVector na = sa.fma(FloatVector.broadcast(F, Halfs.half(w, ba)), oa);
            FloatVector nb = sb.fma(FloatVector.broadcast(F, Halfs.half(w, bb)), ob);
            oa = aa;
            ob = ab;
            aa = na;
            ab = nb;
        }
        if (L == 16) {
            // both sums at once, in sum's order (see KernelSpecies.LOW_8): lanes 0 and 4
            FloatVector ta = aa.add(oa), tb = ab.add(ob);
            FloatVector sh = KernelSpecies.LOW_8.selectFrom(ta, tb).add(KernelSpecies.HIGH_8.selectFrom(ta, tb));
            FloatVector sq = KernelSpecies.LOW_4.selectFrom(sh, sh).add(KernelSpecies.HIGH_4.selectFrom(sh, sh));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_2));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_1));
            out[r] = sq.lane(0);
            out[r + outStride] = sq.lane(4);
        } else {
            out[r] = KernelSpecies.sum(aa.add(oa));
            out[r + outStride] = KernelSpecies.sum(ab.add(ob));
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
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK, sb = sOff + b;
            int qh = w.get(Halfs.LE_INT, bo + 2);
            FloatVector s0 = FloatVector.broadcast(F, sums[sb]), s1 = FloatVector.broadcast(F, sums[sb + blocks]);
            FloatVector s2 = FloatVector.broadcast(F, sums[sb + 2 * blocks]), s3 = FloatVector.broadcast(F, sums[sb + 3 * blocks]);
            for (int p = 0; p < 16; p += L) {
                IntVector q = (IntVector) loadBytes(w, bo + 6 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
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
        }
        if (L == 16) {
            // four sums at once, in sum's order (see KernelSpecies.LOW_8): lanes 0, 4, 8, 12
            FloatVector t0 = a0.add(b0), t1 = a1.add(b1), t2 = a2.add(b2), t3 = a3.add(b3);
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
            out[outOff] = KernelSpecies.sum(a0.add(b0));
            out[outOff + outStride] = KernelSpecies.sum(a1.add(b1));
            out[outOff + 2 * outStride] = KernelSpecies.sum(a2.add(b2));
            out[outOff + 3 * outStride] = KernelSpecies.sum(a3.add(b3));
        }
    }

    /** Vectorised {@link #decodeScalar} over a row for the prefill panels: the same operations, so the same floats. */
    @Override
    void decodeRow(MemorySegment w, long rowOff, int cols, float[] dst, int dstOff) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            float d = Halfs.half(w, bo);
            int qh = w.get(Halfs.LE_INT, bo + 2);
            int o = dstOff + b * BLOCK;
            for (int p = 0; p < 16; p += L) {
                IntVector q = (IntVector) loadBytes(w, bo + 6 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                IntVector lo = q.and(15), hi = q.lanewise(VectorOperators.LSHR, 4);
                lo = withFifthBits(lo, qh >>> p);
                hi = withFifthBits(hi, qh >>> (16 + p));
                ((FloatVector) lo.sub(16).convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, o + p);
                ((FloatVector) hi.sub(16).convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, o + 16 + p);
            }
        }
    }

    @Override
    void decodeBlock(MemorySegment w, long off, float[] dst, int dstOff) {
        decodeScalar(w, off, dst, dstOff);
    }
}
