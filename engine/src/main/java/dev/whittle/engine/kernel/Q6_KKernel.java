package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static dev.whittle.engine.kernel.KernelSpecies.loadBytes;

/**
 * Q6_K weights: super-blocks of 256, {@code u8 ql[128]; u8 qh[64]; int8 scales[16]; f16 d}. Half c (128
 * elements) uses ql[64c ..], qh[32c ..], scales[8c ..]; its element 32k + l (k < 4, l < 32) takes the low
 * (k < 2) or high nibble of ql[64c + 32(k % 2) + l], bits 2k..2k+1 of qh[32c + l] on top, minus 32, times
 * d * scales[8c + 2k + l / 16].
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Decode (one token) builds the four quarters of
 * a half from one load each of ql and qh and applies the −32 through sub-block sums ({@link #dot1}). Measured on
 * the 2-vCPU Xeon, MatmulProbe best, 512×2048 (in cache), 1 thread, alternating with the previous version:
 * 5.9-6.2 against 3.3-3.6 GB/s; prefill-32 2048×2048 unchanged (13.0 against 13.9 ms, noise).
 * <p>Two rows at a time ({@link #dot1Rows2}), 1 thread, MatmulProbe best: 512×2048 in cache 69.7 against 81.8 µs;
 * over a 1.1 GB file 8.7 against 6.8 GB/s. tinyllama-shape Q4_K_M (Q4_K and Q6_K) tg32: 21.5-22.2 against
 * 19.7-20.1 tok/s.
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

    /** Activations with their 16-element sub-block sums, which carry the −32 (see {@link #dot1}). */
    @Override
    PreparedInput prepared(float[] x, int n, int cols) {
        return SuperBlockSums.of(x, n, cols, 16);
    }

    /**
     * A super-block's sixteen {@code d·scale} into {@code sm}: with 16 lanes one load of the int8 scales, one
     * conversion and one multiply, so the inner loop broadcasts them from memory.
     */
    private static void unpackScales(MemorySegment w, long bo, float d, float[] sm) {
        if (L == 16) {
            ByteVector sc = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, bo + 192, ByteOrder.LITTLE_ENDIAN);
            ((FloatVector) sc.convertShape(VectorOperators.B2F, F, 0)).mul(d).intoArray(sm, 0);
        } else {
            for (int s = 0; s < 16; s++) sm[s] = d * w.get(ValueLayout.JAVA_BYTE, bo + 192 + s);
        }
    }

    /**
     * Σ_s d·sc_s·(Σ q·x − 32·Σx) over the 16 sub-blocks s: the four quarters of a half are built from one load
     * each of ql (two) and qh, 6-bit values without the −32; each vector's product with x is scaled by its
     * sub-block's {@code d·sc} in one FMA, and the −32 meets the precomputed sub-block sums in one FMA per
     * super-block. 30 vector ops per 64 weights, against 46 when qh was loaded per quarter pair and every lane
     * re-centred and scaled. Quarters 0, 2 accumulate in one chain, 1, 3 in the other; one block loop written
     * once keeps the compilation under C2's node budget.
     */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, PreparedInput in, int token) {
        SuperBlockSums si = (SuperBlockSums) in; // always: this kernel prepared it
        float[] x = si.floats(), sums = si.sums();
        float[] sm = new float[16];
        int blocks = cols / BLOCK;
        int xOff = token * cols, sOff = token * blocks * SuperBlockSums.STRIDE;
        FloatVector z = FloatVector.zero(F), even = z, odd = z, centre = z;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            unpackScales(w, bo, Halfs.half(w, bo + 208), sm);
            int so = sOff + b * SuperBlockSums.STRIDE;
            for (int k = 0; k < 16; k += L) centre = FloatVector.fromArray(F, sm, k).fma(FloatVector.fromArray(F, sums, so + k), centre);
            int c = 0; // not a counted loop: see Q4_KKernel.dot1
            for (int left = 0b11; left != 0; left >>>= 1, c++) {
                for (int p = 0; p < 32; p += L) {
                    IntVector a = (IntVector) loadBytes(w, bo + 64 * c + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    IntVector bb = (IntVector) loadBytes(w, bo + 64 * c + 32 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    IntVector h = (IntVector) loadBytes(w, bo + 128 + 32 * c + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    int xc = xb + 128 * c + p, s = 8 * (c & 1) + p / 16;
                    FloatVector q0 = (FloatVector) a.and(15).or(h.and(3).lanewise(VectorOperators.LSHL, 4)).convert(VectorOperators.I2F, 0);
                    FloatVector q1 = (FloatVector) bb.and(15).or(h.and(12).lanewise(VectorOperators.LSHL, 2)).convert(VectorOperators.I2F, 0);
                    FloatVector q2 = (FloatVector) a.lanewise(VectorOperators.LSHR, 4).or(h.and(48)).convert(VectorOperators.I2F, 0);
                    FloatVector q3 = (FloatVector) bb.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2).and(48)).convert(VectorOperators.I2F, 0);
                    even = q0.mul(FloatVector.fromArray(F, x, xc)).fma(FloatVector.broadcast(F, sm[s]), even);
                    odd = q1.mul(FloatVector.fromArray(F, x, xc + 32)).fma(FloatVector.broadcast(F, sm[s + 2]), odd);
                    even = q2.mul(FloatVector.fromArray(F, x, xc + 64)).fma(FloatVector.broadcast(F, sm[s + 4]), even);
                    odd = q3.mul(FloatVector.fromArray(F, x, xc + 96)).fma(FloatVector.broadcast(F, sm[s + 6]), odd);
                }
            }
        }
        FloatVector v = even.add(odd).add(centre.mul(-32f));
        // written out, not KernelSpecies.sum: at the end of this method C2 has passed its parse-time inlining
        // cutoff and left sum as a call with a boxed vector (see KernelCompilation); same steps, same bits
        if (L >= 16) {
            v = ((FloatVector) v.reinterpretShape(FloatVector.SPECIES_256, 0)).add((FloatVector) v.reinterpretShape(FloatVector.SPECIES_256, 1));
        }
        if (L >= 8) {
            v = ((FloatVector) v.reinterpretShape(FloatVector.SPECIES_128, 0)).add((FloatVector) v.reinterpretShape(FloatVector.SPECIES_128, 1));
        }
        return (v.lane(0) + v.lane(2)) + (v.lane(1) + v.lane(3));
    }

    /**
     * Rows at {@code ra} and {@code rb} against token 0, sharing the activation loads; per row exactly
     * {@link #dot1}'s operations and order. Results to {@code out[r]} and {@code out[r + outStride]}. Written to
     * stay within C2's node budget: one scale-unpacking call site, and the byte loads as the JDK's own
     * (force-inlined) calls. Through {@code loadBytes} the second row's loads passed the budget, were not inlined,
     * and the vectors were boxed (2.5× slower than one row at a time).
     */
    @Override
    void dot1Rows2(MemorySegment w, long ra, long rb, int cols, PreparedInput in, float[] out, int r, int outStride) {
        SuperBlockSums si = (SuperBlockSums) in; // always: this kernel prepared it
        float[] x = si.floats(), sums = si.sums();
        float[] sa = new float[16], sb = new float[16];
        int blocks = cols / BLOCK;
        FloatVector z = FloatVector.zero(F), evenA = z, oddA = z, centreA = z, evenB = z, oddB = z, centreB = z;
        for (int b = 0; b < blocks; b++) {
            long ba = ra + (long) b * BLOCK_BYTES, bb = rb + (long) b * BLOCK_BYTES;
            int xb = b * BLOCK;
            for (int k2 = 0; k2 < 2; k2++) {
                long bk = k2 == 0 ? ba : bb;
                unpackScales(w, bk, Halfs.half(w, bk + 208), k2 == 0 ? sa : sb);
            }
            int so = b * SuperBlockSums.STRIDE;
            for (int k = 0; k < 16; k += L) {
                FloatVector sv = FloatVector.fromArray(F, sums, so + k);
                centreA = FloatVector.fromArray(F, sa, k).fma(sv, centreA);
                centreB = FloatVector.fromArray(F, sb, k).fma(sv, centreB);
            }
            int c = 0; // not a counted loop: see Q4_KKernel.dot1
            for (int left = 0b11; left != 0; left >>>= 1, c++) {
                for (int p = 0; p < 32; p += L) {
                    int xc = xb + 128 * c + p, s = 8 * (c & 1) + p / 16;
                    FloatVector x0 = FloatVector.fromArray(F, x, xc), x1 = FloatVector.fromArray(F, x, xc + 32);
                    FloatVector x2 = FloatVector.fromArray(F, x, xc + 64), x3 = FloatVector.fromArray(F, x, xc + 96);
                    IntVector a = (IntVector) (L >= 8 ? ByteVector.fromMemorySegment(KernelSpecies.BL, w, ba + 64 * c + p, ByteOrder.LITTLE_ENDIAN) : ByteVector.fromMemorySegment(KernelSpecies.BL, w, ba + 64 * c + p, ByteOrder.LITTLE_ENDIAN, KernelSpecies.BL_FIRST)).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    IntVector bq = (IntVector) (L >= 8 ? ByteVector.fromMemorySegment(KernelSpecies.BL, w, ba + 64 * c + 32 + p, ByteOrder.LITTLE_ENDIAN) : ByteVector.fromMemorySegment(KernelSpecies.BL, w, ba + 64 * c + 32 + p, ByteOrder.LITTLE_ENDIAN, KernelSpecies.BL_FIRST)).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    IntVector h = (IntVector) (L >= 8 ? ByteVector.fromMemorySegment(KernelSpecies.BL, w, ba + 128 + 32 * c + p, ByteOrder.LITTLE_ENDIAN) : ByteVector.fromMemorySegment(KernelSpecies.BL, w, ba + 128 + 32 * c + p, ByteOrder.LITTLE_ENDIAN, KernelSpecies.BL_FIRST)).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    FloatVector q0 = (FloatVector) a.and(15).or(h.and(3).lanewise(VectorOperators.LSHL, 4)).convert(VectorOperators.I2F, 0);
                    FloatVector q1 = (FloatVector) bq.and(15).or(h.and(12).lanewise(VectorOperators.LSHL, 2)).convert(VectorOperators.I2F, 0);
                    FloatVector q2 = (FloatVector) a.lanewise(VectorOperators.LSHR, 4).or(h.and(48)).convert(VectorOperators.I2F, 0);
                    FloatVector q3 = (FloatVector) bq.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2).and(48)).convert(VectorOperators.I2F, 0);
                    evenA = q0.mul(x0).fma(FloatVector.broadcast(F, sa[s]), evenA);
                    oddA = q1.mul(x1).fma(FloatVector.broadcast(F, sa[s + 2]), oddA);
                    evenA = q2.mul(x2).fma(FloatVector.broadcast(F, sa[s + 4]), evenA);
                    oddA = q3.mul(x3).fma(FloatVector.broadcast(F, sa[s + 6]), oddA);
                    a = (IntVector) (L >= 8 ? ByteVector.fromMemorySegment(KernelSpecies.BL, w, bb + 64 * c + p, ByteOrder.LITTLE_ENDIAN) : ByteVector.fromMemorySegment(KernelSpecies.BL, w, bb + 64 * c + p, ByteOrder.LITTLE_ENDIAN, KernelSpecies.BL_FIRST)).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    bq = (IntVector) (L >= 8 ? ByteVector.fromMemorySegment(KernelSpecies.BL, w, bb + 64 * c + 32 + p, ByteOrder.LITTLE_ENDIAN) : ByteVector.fromMemorySegment(KernelSpecies.BL, w, bb + 64 * c + 32 + p, ByteOrder.LITTLE_ENDIAN, KernelSpecies.BL_FIRST)).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    h = (IntVector) (L >= 8 ? ByteVector.fromMemorySegment(KernelSpecies.BL, w, bb + 128 + 32 * c + p, ByteOrder.LITTLE_ENDIAN) : ByteVector.fromMemorySegment(KernelSpecies.BL, w, bb + 128 + 32 * c + p, ByteOrder.LITTLE_ENDIAN, KernelSpecies.BL_FIRST)).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    q0 = (FloatVector) a.and(15).or(h.and(3).lanewise(VectorOperators.LSHL, 4)).convert(VectorOperators.I2F, 0);
                    q1 = (FloatVector) bq.and(15).or(h.and(12).lanewise(VectorOperators.LSHL, 2)).convert(VectorOperators.I2F, 0);
                    q2 = (FloatVector) a.lanewise(VectorOperators.LSHR, 4).or(h.and(48)).convert(VectorOperators.I2F, 0);
                    q3 = (FloatVector) bq.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2).and(48)).convert(VectorOperators.I2F, 0);
                    evenB = q0.mul(x0).fma(FloatVector.broadcast(F, sb[s]), evenB);
                    oddB = q1.mul(x1).fma(FloatVector.broadcast(F, sb[s + 2]), oddB);
                    evenB = q2.mul(x2).fma(FloatVector.broadcast(F, sb[s + 4]), evenB);
                    oddB = q3.mul(x3).fma(FloatVector.broadcast(F, sb[s + 6]), oddB);
                }
            }
        }
        if (L == 16) {
            // both sums at once, in sum's order (see KernelSpecies.LOW_8): lanes 0 and 4
            FloatVector ta = evenA.add(oddA).add(centreA.mul(-32f)), tb = evenB.add(oddB).add(centreB.mul(-32f));
            FloatVector sh = KernelSpecies.LOW_8.selectFrom(ta, tb).add(KernelSpecies.HIGH_8.selectFrom(ta, tb));
            FloatVector sq = KernelSpecies.LOW_4.selectFrom(sh, sh).add(KernelSpecies.HIGH_4.selectFrom(sh, sh));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_2));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_1));
            out[r] = sq.lane(0);
            out[r + outStride] = sq.lane(4);
        } else {
            out[r] = KernelSpecies.sum(evenA.add(oddA).add(centreA.mul(-32f)));
            out[r + outStride] = KernelSpecies.sum(evenB.add(oddB).add(centreB.mul(-32f)));
        }
    }

    /** Per token exactly {@link #dot1}'s operations and order, so results match it bit for bit. */
    @Override
    void dot4(MemorySegment w, long rowOff, int cols, PreparedInput in, int token, float[] out, int outOff,
              int outStride) {
        SuperBlockSums si = (SuperBlockSums) in;
        float[] x = si.floats(), sums = si.sums();
        float[] sm = new float[16];
        int blocks = cols / BLOCK;
        int xOff = token * cols, sStride = blocks * SuperBlockSums.STRIDE, sOff = token * sStride;
        FloatVector z = FloatVector.zero(F);
        FloatVector e0 = z, e1 = z, e2 = z, e3 = z, o0 = z, o1 = z, o2 = z, o3 = z, c0 = z, c1 = z, c2 = z, c3 = z;
        int x1 = cols, x2 = 2 * cols, x3 = 3 * cols;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            unpackScales(w, bo, Halfs.half(w, bo + 208), sm);
            int so = sOff + b * SuperBlockSums.STRIDE;
            for (int k = 0; k < 16; k += L) {
                FloatVector s = FloatVector.fromArray(F, sm, k);
                c0 = s.fma(FloatVector.fromArray(F, sums, so + k), c0);
                c1 = s.fma(FloatVector.fromArray(F, sums, so + sStride + k), c1);
                c2 = s.fma(FloatVector.fromArray(F, sums, so + 2 * sStride + k), c2);
                c3 = s.fma(FloatVector.fromArray(F, sums, so + 3 * sStride + k), c3);
            }
            int c = 0; // not a counted loop: see Q4_KKernel.dot1
            for (int left = 0b11; left != 0; left >>>= 1, c++) {
                for (int p = 0; p < 32; p += L) {
                    IntVector a = (IntVector) loadBytes(w, bo + 64 * c + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    IntVector bb = (IntVector) loadBytes(w, bo + 64 * c + 32 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    IntVector h = (IntVector) loadBytes(w, bo + 128 + 32 * c + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    int xc = xb + 128 * c + p, s = 8 * (c & 1) + p / 16;
                    FloatVector q0 = (FloatVector) a.and(15).or(h.and(3).lanewise(VectorOperators.LSHL, 4)).convert(VectorOperators.I2F, 0);
                    FloatVector q1 = (FloatVector) bb.and(15).or(h.and(12).lanewise(VectorOperators.LSHL, 2)).convert(VectorOperators.I2F, 0);
                    FloatVector s0 = FloatVector.broadcast(F, sm[s]), s1 = FloatVector.broadcast(F, sm[s + 2]);
                    e0 = q0.mul(FloatVector.fromArray(F, x, xc)).fma(s0, e0);
                    e1 = q0.mul(FloatVector.fromArray(F, x, xc + x1)).fma(s0, e1);
                    e2 = q0.mul(FloatVector.fromArray(F, x, xc + x2)).fma(s0, e2);
                    e3 = q0.mul(FloatVector.fromArray(F, x, xc + x3)).fma(s0, e3);
                    o0 = q1.mul(FloatVector.fromArray(F, x, xc + 32)).fma(s1, o0);
                    o1 = q1.mul(FloatVector.fromArray(F, x, xc + 32 + x1)).fma(s1, o1);
                    o2 = q1.mul(FloatVector.fromArray(F, x, xc + 32 + x2)).fma(s1, o2);
                    o3 = q1.mul(FloatVector.fromArray(F, x, xc + 32 + x3)).fma(s1, o3);
                    FloatVector q2 = (FloatVector) a.lanewise(VectorOperators.LSHR, 4).or(h.and(48)).convert(VectorOperators.I2F, 0);
                    FloatVector q3 = (FloatVector) bb.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2).and(48)).convert(VectorOperators.I2F, 0);
                    FloatVector s2 = FloatVector.broadcast(F, sm[s + 4]), s3 = FloatVector.broadcast(F, sm[s + 6]);
                    e0 = q2.mul(FloatVector.fromArray(F, x, xc + 64)).fma(s2, e0);
                    e1 = q2.mul(FloatVector.fromArray(F, x, xc + 64 + x1)).fma(s2, e1);
                    e2 = q2.mul(FloatVector.fromArray(F, x, xc + 64 + x2)).fma(s2, e2);
                    e3 = q2.mul(FloatVector.fromArray(F, x, xc + 64 + x3)).fma(s2, e3);
                    o0 = q3.mul(FloatVector.fromArray(F, x, xc + 96)).fma(s3, o0);
                    o1 = q3.mul(FloatVector.fromArray(F, x, xc + 96 + x1)).fma(s3, o1);
                    o2 = q3.mul(FloatVector.fromArray(F, x, xc + 96 + x2)).fma(s3, o2);
                    o3 = q3.mul(FloatVector.fromArray(F, x, xc + 96 + x3)).fma(s3, o3);
                }
            }
        }
        if (L == 16) {
            // four sums at once, in sum's order (see KernelSpecies.LOW_8): lanes 0, 4, 8, 12
            FloatVector t0 = e0.add(o0).add(c0.mul(-32f)), t1 = e1.add(o1).add(c1.mul(-32f)), t2 = e2.add(o2).add(c2.mul(-32f)), t3 = e3.add(o3).add(c3.mul(-32f));
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
            out[outOff] = KernelSpecies.sum(e0.add(o0).add(c0.mul(-32f)));
            out[outOff + outStride] = KernelSpecies.sum(e1.add(o1).add(c1.mul(-32f)));
            out[outOff + 2 * outStride] = KernelSpecies.sum(e2.add(o2).add(c2.mul(-32f)));
            out[outOff + 3 * outStride] = KernelSpecies.sum(e3.add(o3).add(c3.mul(-32f)));
        }
    }

    @Override
    void decodeBlock(MemorySegment w, long off, float[] dst, int dstOff) {
        decodeScalar(w, off, dst, dstOff);
    }

    /** Vectorised {@link #decodeScalar} over a row for the prefill panels: {@link #dot1}'s bit unpacking, the same products. */
    @Override
    void decodeRow(MemorySegment w, long rowOff, int cols, float[] dst, int dstOff) {
        float[] sm = new float[16];
        for (int b = 0; b < cols / BLOCK; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            unpackScales(w, bo, Halfs.half(w, bo + 208), sm);
            int c = 0; // not a counted loop: see Q4_KKernel.dot1
            for (int left = 0b11; left != 0; left >>>= 1, c++) {
                for (int p = 0; p < 32; p += L) {
                    IntVector a = (IntVector) loadBytes(w, bo + 64 * c + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    IntVector bb = (IntVector) loadBytes(w, bo + 64 * c + 32 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    IntVector h = (IntVector) loadBytes(w, bo + 128 + 32 * c + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    int o = dstOff + b * BLOCK + 128 * c + p, s = 8 * (c & 1) + p / 16;
                    ((FloatVector) a.and(15).or(h.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32).convert(VectorOperators.I2F, 0)).mul(sm[s]).intoArray(dst, o);
                    ((FloatVector) bb.and(15).or(h.and(12).lanewise(VectorOperators.LSHL, 2)).sub(32).convert(VectorOperators.I2F, 0)).mul(sm[s + 2]).intoArray(dst, o + 32);
                    ((FloatVector) a.lanewise(VectorOperators.LSHR, 4).or(h.and(48)).sub(32).convert(VectorOperators.I2F, 0)).mul(sm[s + 4]).intoArray(dst, o + 64);
                    ((FloatVector) bb.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2).and(48)).sub(32).convert(VectorOperators.I2F, 0)).mul(sm[s + 6]).intoArray(dst, o + 96);
                }
            }
        }
    }
}
