package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.whittle.engine.kernel.KernelSpecies.loadBytes;
import static dev.whittle.engine.kernel.KernelSpecies.lowNibbles;
import static dev.whittle.engine.kernel.KernelSpecies.toInts;

/**
 * Q4_0 weights: blocks of 32, {@code f16 d; u8 qs[16]}; element j is {@code d * ((qs[j] & 15) - 8)} and
 * element j + 16 is {@code d * ((qs[j] >> 4) - 8)}. Bytes are zero-extended to int lanes; the low nibble
 * (a table permute) and the whole byte (a conversion) are FMA'd with float activations rearranged so that this
 * equals the two nibbles' products ({@link #nibblePairs}); the −8 is not applied per lane but folded into each
 * block's starting value from per-block activation sums computed once per matmul.
 * <p>Choice: float decode (int8 variant within noise: see Kernels). Measured decode, 1 thread, MatmulProbe best,
 * weights larger than L3 (45056×2048): 8.9 GB/s against 7.3 GB/s for the previous version that re-centred every
 * lane, in the same session (4096×5632: 8.7 vs 7.9). Offsets kept as L floats per block instead of one made
 * 5632-wide rows run at half speed (activations plus offsets no longer fit the 32 KiB L1).
 * <p>Four-row decode ({@link #dot1Rows4}) shares each block's activation and offset loads between rows, and the
 * activations are rearranged once per matmul ({@link #nibblePairs}) so the high nibble needs no shift. MatmulProbe
 * 512×2048, 1 thread, in cache: 54 µs row by row, 46 with the rearranged activations, 39.5 with four rows too.
 * Four adjacent rows streamed from memory ran slower than one (126 against 108 ms over a 600 MB file) because
 * they share pages and defeat the prefetcher; four rows from segments far apart ({@link RowStreams})
 * take 54 ms. (An earlier four-row version, before these changes, ran tinyllama decode at 0.6×.)
 * <p>Also measured and not kept: nibbles turned into floats without conversions (OR-ing them into the mantissa
 * of 2^23 and subtracting, the high nibble as the difference of two such floats against x/16), which moves work
 * off the one port that converts: no gain (7.8 against 8.5 GB/s, 512×2048, 1 thread).
 * <p>Port budget (512-bit, where only two ports run vector uops): the block's scale used to cost a move, a
 * two-uop conversion and a broadcast on those ports (12 uops per block); read through {@link Halfs}' table it is
 * loads only (8), and the low nibble as a table permute ({@link KernelSpecies#lowNibbles}) moves its conversion
 * off the port the shift and the high nibble's conversion need. MatmulProbe 512×2048, 1 thread, alternating
 * runs: 62-71 µs before, 54 with the scale table, 46 with both.
 * <p>C2 compiles this kernel well or about 3x worse from run to run depending on what else it has compiled
 * (helpers already compiled on their own are not inlined): keep helpers few and call sites single.
 */
public final class Q4_0Kernel extends FloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;

    public Q4_0Kernel() {
        super(DType.Q4_0);
    }

    /** Scalar reference: decodes the block at {@code off} into {@code dst[dstOff ..]} exactly as the format defines it. */
    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        float d = Halfs.half(w, off);
        for (int j = 0; j < 16; j++) {
            int q = w.get(ValueLayout.JAVA_BYTE, off + 2 + j) & 0xFF;
            dst[dstOff + j] = d * ((q & 15) - 8);
            dst[dstOff + j + 16] = d * ((q >> 4) - 8);
        }
    }

    /**
     * Per token and block, c = −(8/L)·Σx over the block ({@link BlockSums}): a block's lane sum started from L
     * lanes of c subtracts the 8 of every nibble at no cost in the inner loop. One float per block, not L: the
     * offsets must leave the activations room in the 32 KiB L1 (with L floats per block, 5632-wide rows ran at
     * half speed: x 22 KiB + offsets 11 KiB spilled). The activations themselves are rearranged as
     * {@link #nibblePairs} for the dot products.
     */
    @Override
    PreparedInput prepared(float[] x, int n, int cols) {
        return new BlockSums(nibblePairs(x), n, cols, BlockSums.of(x, n, cols, -8f / L).sums());
    }

    /**
     * Byte j of a block holds two weights: lo = its low nibble (element j) and hi = its high nibble (element
     * j + 16), so the byte's value is v = lo + 16·hi. With a = x[j] and b = x[j + 16] per block,
     * lo·a + hi·b = lo·(a − b/16) + v·(b/16): the byte's value needs no shift, only a conversion. The result
     * holds a − b/16 in the first 16 places of each block and b/16 (exact: a power of two) in the last 16.
     */
    static float[] nibblePairs(float[] x) {
        float[] paired = new float[x.length];
        for (int b = 0; b + BLOCK <= x.length; b += BLOCK) {
            for (int j = 0; j < 16; j++) {
                float hi = x[b + 16 + j] * 0.0625f;
                paired[b + j] = x[b + j] - hi;
                paired[b + 16 + j] = hi;
            }
        }
        return paired;
    }

    /**
     * Σ (q − 8)·x over the block at {@code bo}, as L lanes to be summed, starting from the block's offset lanes,
     * with x rearranged as {@link #nibblePairs}: the L bytes are zero-extended to int lanes; the low nibble is a
     * table permute and the whole byte one conversion.
     */
    private static FloatVector blockSum(MemorySegment w, long bo, float[] x, int xb, float[] offsets, int ob) {
        FloatVector s = FloatVector.broadcast(F, offsets[ob]);
        for (int p = 0; p < 16; p += L) {
            IntVector q = (IntVector) loadBytes(w, bo + 2 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
            s = lowNibbles(q).fma(FloatVector.fromArray(F, x, xb + p), s);
            s = ((FloatVector) q.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, x, xb + 16 + p), s);
        }
        return s;
    }

    /**
     * Σ_b d_b·Σ (q − 8)·x, accumulated alternately into two registers (two FMA chains hide FMA latency; one
     * call site of {@link #blockSum} keeps the method inside C2's inlining node budget, which two did not).
     * A version that subtracted 8·d_b·Σx_b in a scalar chain was 2x slower on 5632-wide rows.
     */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, PreparedInput in, int token) {
        BlockSums oi = (BlockSums) in; // always: this kernel prepared it
        float[] x = oi.floats();
        float[] offsets = oi.sums();
        int blocks = cols / BLOCK;
        int xOff = token * cols;
        int oOff = token * blocks;
        FloatVector acc = FloatVector.zero(F), other = acc;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            FloatVector next = blockSum(w, bo, x, xOff + b * BLOCK, offsets, oOff + b)
                    .fma(FloatVector.broadcast(F, Halfs.half(w, bo)), other);
            other = acc;
            acc = next;
        }
        return KernelSpecies.sum(acc.add(other));
    }

    /**
     * Four rows against one token, sharing each block's activation and offset loads: per row and block 3 loads
     * (quants, scale bits, scale table) instead of 6. Streaming weights from memory, loads are what limits a
     * core here, not arithmetic. Per row exactly the operations and order of {@link #dot1} (even blocks in one
     * chain, odd in the other), so results match it bit for bit.
     */
    @Override
    void dot1Rows4(MemorySegment w, long rowOff, long rowStride, int cols, PreparedInput in, float[] out, int r,
                   int outStride) {
        BlockSums oi = (BlockSums) in;
        float[] x = oi.floats();
        float[] offsets = oi.sums();
        FloatVector z = FloatVector.zero(F);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, o0 = z, o1 = z, o2 = z, o3 = z;
        long r1 = rowStride, r2 = 2 * rowStride, r3 = 3 * rowStride;
        int blocks = cols / BLOCK;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = b * BLOCK;
            FloatVector s0 = FloatVector.broadcast(F, offsets[b]), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0; p < 16; p += L) {
                FloatVector xl = FloatVector.fromArray(F, x, xb + p), xh = FloatVector.fromArray(F, x, xb + 16 + p);
                long qo = bo + 2 + p;
                IntVector q0 = (IntVector) loadBytes(w, qo).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                IntVector q1 = (IntVector) loadBytes(w, qo + r1).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                IntVector q2 = (IntVector) loadBytes(w, qo + r2).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                IntVector q3 = (IntVector) loadBytes(w, qo + r3).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                s0 = ((FloatVector) q0.convert(VectorOperators.I2F, 0)).fma(xh, lowNibbles(q0).fma(xl, s0));
                s1 = ((FloatVector) q1.convert(VectorOperators.I2F, 0)).fma(xh, lowNibbles(q1).fma(xl, s1));
                s2 = ((FloatVector) q2.convert(VectorOperators.I2F, 0)).fma(xh, lowNibbles(q2).fma(xl, s2));
                s3 = ((FloatVector) q3.convert(VectorOperators.I2F, 0)).fma(xh, lowNibbles(q3).fma(xl, s3));
            }
            FloatVector d0 = FloatVector.broadcast(F, Halfs.half(w, bo)), d1 = FloatVector.broadcast(F, Halfs.half(w, bo + r1));
            FloatVector d2 = FloatVector.broadcast(F, Halfs.half(w, bo + r2)), d3 = FloatVector.broadcast(F, Halfs.half(w, bo + r3));
            if ((b & 1) == 0) {
                a0 = s0.fma(d0, a0);
                a1 = s1.fma(d1, a1);
                a2 = s2.fma(d2, a2);
                a3 = s3.fma(d3, a3);
            } else {
                o0 = s0.fma(d0, o0);
                o1 = s1.fma(d1, o1);
                o2 = s2.fma(d2, o2);
                o3 = s3.fma(d3, o3);
            }
        }
        if (L == 16) {
            // four sums at once, in sum's order (see KernelSpecies.LOW_8): lanes 0, 4, 8, 12
            FloatVector v0 = a0.add(o0), v1 = a1.add(o1), v2 = a2.add(o2), v3 = a3.add(o3);
            FloatVector sh = KernelSpecies.LOW_8.selectFrom(v0, v1).add(KernelSpecies.HIGH_8.selectFrom(v0, v1));
            FloatVector sk = KernelSpecies.LOW_8.selectFrom(v2, v3).add(KernelSpecies.HIGH_8.selectFrom(v2, v3));
            FloatVector sq = KernelSpecies.LOW_4.selectFrom(sh, sk).add(KernelSpecies.HIGH_4.selectFrom(sh, sk));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_2));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_1));
            out[r] = sq.lane(0);
            out[r + outStride] = sq.lane(4);
            out[r + 2 * outStride] = sq.lane(8);
            out[r + 3 * outStride] = sq.lane(12);
        } else {
            out[r] = KernelSpecies.sum(a0.add(o0));
            out[r + outStride] = KernelSpecies.sum(a1.add(o1));
            out[r + 2 * outStride] = KernelSpecies.sum(a2.add(o2));
            out[r + 3 * outStride] = KernelSpecies.sum(a3.add(o3));
        }
    }

    /**
     * Four tokens sharing each decoded block; per token exactly the operations and order of {@link #dot1}, so
     * results match it bit for bit.
     */
    @Override
    void dot4(MemorySegment w, long rowOff, int cols, PreparedInput in, int token, float[] out, int outOff,
              int outStride) {
        BlockSums oi = (BlockSums) in;
        float[] x = oi.floats();
        float[] o = oi.sums();
        int blocks = cols / BLOCK;
        int ostride = blocks;
        FloatVector z = FloatVector.zero(F);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = token * cols + b * BLOCK;
            int ob = token * ostride + b;
            FloatVector s0 = FloatVector.broadcast(F, o[ob]), s1 = FloatVector.broadcast(F, o[ob + ostride]);
            FloatVector s2 = FloatVector.broadcast(F, o[ob + 2 * ostride]), s3 = FloatVector.broadcast(F, o[ob + 3 * ostride]);
            for (int p = 0; p < 16; p += L) {
                IntVector q = (IntVector) loadBytes(w, bo + 2 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                FloatVector lo = lowNibbles(q);
                FloatVector v = (FloatVector) q.convert(VectorOperators.I2F, 0);
                int xl = xb + p, xh = xb + 16 + p;
                s0 = v.fma(FloatVector.fromArray(F, x, xh), lo.fma(FloatVector.fromArray(F, x, xl), s0));
                s1 = v.fma(FloatVector.fromArray(F, x, xh + cols), lo.fma(FloatVector.fromArray(F, x, xl + cols), s1));
                s2 = v.fma(FloatVector.fromArray(F, x, xh + 2 * cols), lo.fma(FloatVector.fromArray(F, x, xl + 2 * cols), s2));
                s3 = v.fma(FloatVector.fromArray(F, x, xh + 3 * cols), lo.fma(FloatVector.fromArray(F, x, xl + 3 * cols), s3));
            }
            FloatVector d = FloatVector.broadcast(F, Halfs.half(w, bo));
            FloatVector n0 = s0.fma(d, b0), n1 = s1.fma(d, b1), n2 = s2.fma(d, b2), n3 = s3.fma(d, b3);
            b0 = a0; b1 = a1; b2 = a2; b3 = a3;
            a0 = n0; a1 = n1; a2 = n2; a3 = n3;
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

    @Override
    void decodeBlock(MemorySegment w, long off, float[] dst, int dstOff) {
        decodeScalar(w, off, dst, dstOff);
    }

    /** Vectorised {@link #decodeScalar} over a row, for prefill panels: the same products, so the same floats. */
    @Override
    void decodeRow(MemorySegment w, long rowOff, int cols, float[] dst, int dstOff) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            FloatVector d = FloatVector.broadcast(F, Halfs.half(w, bo));
            int o = dstOff + b * BLOCK;
            for (int p = 0; p < 16; p += L) {
                IntVector q = (IntVector) loadBytes(w, bo + 2 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                ((FloatVector) q.and(15).sub(8).convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, o + p);
                ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).sub(8).convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, o + 16 + p);
            }
        }
    }
}
