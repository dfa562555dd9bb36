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
 * element j + 16 is {@code d * ((qs[j] >> 4) - 8)}. Bytes are zero-extended to int lanes (low nibble: AND,
 * high nibble: logical shift), converted to float and FMA'd with float activations; the −8 is not applied per
 * lane but folded into each block's starting value from per-block activation sums computed once per matmul.
 * <p>Choice: float decode (int8 variant within noise: see Kernels). Measured decode, 1 thread, MatmulProbe best,
 * weights larger than L3 (45056×2048): 8.9 GB/s against 7.3 GB/s for the previous version that re-centred every
 * lane, in the same session (4096×5632: 8.7 vs 7.9). Offsets kept as L floats per block instead of one made
 * 5632-wide rows run at half speed (activations plus offsets no longer fit the 32 KiB L1).
 * <p>No four-row decode ({@code dot1Rows4}) here, unlike F32 and Q8_0: a four-row version of this loop ran the
 * tinyllama-shape decode at 0.6x (tg32 5.5-6.3 against 8.7-9.9 tok/s, alternating runs), and a two-row one was
 * slower too; both need more live vectors than this body can keep in registers. Re-measured on the 2-vCPU Xeon
 * with the two rows written out in one method (no helper calls): 0.7x (MatmulProbe 512×2048, 1 thread, 5.7
 * against 7.7-8.4 GB/s; 131072×2048, 2 threads, 8.7-9.0 against 12.0-12.5).
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
     * half speed: x 22 KiB + offsets 11 KiB spilled).
     */
    @Override
    PreparedInput prepared(float[] x, int n, int cols) {
        return BlockSums.of(x, n, cols, -8f / L);
    }

    /**
     * Σ (q − 8)·x over the block at {@code bo}, as L lanes to be summed, starting from the block's offset lanes:
     * the L bytes are zero-extended to int lanes, so the low nibble is one AND and the high one a logical
     * shift, with no re-centring (9 vector ops per 32 weights instead of 13).
     */
    private static FloatVector blockSum(MemorySegment w, long bo, float[] x, int xb, float[] offsets, int ob) {
        FloatVector s = FloatVector.broadcast(F, offsets[ob]);
        for (int p = 0; p < 16; p += L) {
            IntVector q = (IntVector) loadBytes(w, bo + 2 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
            s = lowNibbles(q).fma(FloatVector.fromArray(F, x, xb + p), s);
            s = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, x, xb + 16 + p), s);
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
                FloatVector lo = (FloatVector) q.and(15).convert(VectorOperators.I2F, 0);
                FloatVector hi = (FloatVector) q.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0);
                int xl = xb + p, xh = xb + 16 + p;
                s0 = hi.fma(FloatVector.fromArray(F, x, xh), lo.fma(FloatVector.fromArray(F, x, xl), s0));
                s1 = hi.fma(FloatVector.fromArray(F, x, xh + cols), lo.fma(FloatVector.fromArray(F, x, xl + cols), s1));
                s2 = hi.fma(FloatVector.fromArray(F, x, xh + 2 * cols), lo.fma(FloatVector.fromArray(F, x, xl + 2 * cols), s2));
                s3 = hi.fma(FloatVector.fromArray(F, x, xh + 3 * cols), lo.fma(FloatVector.fromArray(F, x, xl + 3 * cols), s3));
            }
            FloatVector d = FloatVector.broadcast(F, Halfs.half(w, bo));
            FloatVector n0 = s0.fma(d, b0), n1 = s1.fma(d, b1), n2 = s2.fma(d, b2), n3 = s3.fma(d, b3);
            b0 = a0; b1 = a1; b2 = a2; b3 = a3;
            a0 = n0; a1 = n1; a2 = n2; a3 = n3;
        }
        out[outOff] = KernelSpecies.sum(a0.add(b0));
        out[outOff + outStride] = KernelSpecies.sum(a1.add(b1));
        out[outOff + 2 * outStride] = KernelSpecies.sum(a2.add(b2));
        out[outOff + 3 * outStride] = KernelSpecies.sum(a3.add(b3));
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
