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
 * Q5_K weights: super-blocks of 256, {@code f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]}: as Q4_K,
 * plus a fifth bit for element 32*sub + l at bit sub of qh[l].
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Decode (one token) as {@link Q4_KKernel}:
 * scale and min per sub-block, not per weight. Measured on the 2-vCPU Xeon, MatmulProbe best, 1 thread,
 * alternating with the previous per-weight decode: 512×2048 4.6-4.8 against 3.3 GB/s; prefill-32 2048×2048
 * 12.5-13.7 against 17.8-19.8 ms (the rows are now decoded with vectors, not block by block in scalar code).
 * <p>Two rows at a time ({@link #dot1Rows2}), 1 thread, MatmulProbe best: over a 1.1 GB file 6.8 against 6.3 GB/s;
 * in cache (512×2048) 95 against 92 µs.
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

    /** Activations with their 32-element sub-block sums, which carry the mins (as in {@link Q4_KKernel}). */
    @Override
    PreparedInput prepared(float[] x, int n, int cols) {
        return SuperBlockSums.of(x, n, cols, 32);
    }

    /**
     * As {@link Q4_KKernel#dot1}: per sub-block Σ q·x of the plain 5-bit values, scaled by one FMA, and the mins
     * against the sub-block sums once per super-block. The fifth bit of sub-block j is bit j of qh, moved to
     * bit 4 from {@code qh << 4} by one shift and one AND. Three chains: low-nibble sub-blocks (2c), high
     * (2c+1), mins. One block loop written once (an earlier version with several block copies grew past C2's
     * node budget, left every vector boxed and ran 10× slower).
     */
    @Override
    float dot1(MemorySegment w, long rowOff, int cols, PreparedInput in, int token) {
        SuperBlockSums si = (SuperBlockSums) in; // always: this kernel prepared it
        float[] x = si.floats(), sums = si.sums();
        float[] sm = new float[16];
        int blocks = cols / BLOCK;
        int xOff = token * cols, sOff = token * blocks * SuperBlockSums.STRIDE;
        FloatVector z = FloatVector.zero(F), lo = z, hi = z, mn = z;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            KQuants.unpack(w, bo, sm);
            int so = sOff + b * SuperBlockSums.STRIDE;
            for (int k = 0; k < 16; k += L) mn = FloatVector.fromArray(F, sm, k).fma(FloatVector.fromArray(F, sums, so + k), mn);
            int c = 0; // not a counted loop: see Q4_KKernel.dot1
            for (int left = 0b1111; left != 0; left >>>= 1, c++) {
                int xc = xb + 64 * c;
                FloatVector tl = z, th = z;
                for (int p = 0; p < 32; p += L) {
                    IntVector q = (IntVector) loadBytes(w, bo + QS + 32 * c + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    IntVector h = ((IntVector) loadBytes(w, bo + 16 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0)).lanewise(VectorOperators.LSHL, 4);
                    IntVector ql = q.and(15).or(h.lanewise(VectorOperators.LSHR, 2 * c).and(16));
                    IntVector qh = q.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2 * c + 1).and(16));
                    tl = ((FloatVector) ql.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, x, xc + p), tl);
                    th = ((FloatVector) qh.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, x, xc + 32 + p), th);
                }
                lo = tl.fma(FloatVector.broadcast(F, sm[2 * (c & 3)]), lo);
                hi = th.fma(FloatVector.broadcast(F, sm[2 * (c & 3) + 1]), hi);
            }
        }
        FloatVector v = lo.add(hi).add(mn);
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
     * {@link #dot1}'s operations and order. Results to {@code out[r]} and {@code out[r + outStride]}. Kept within
     * C2's node budget as Q6_KKernel.dot1Rows2 is: one scale-unpacking call site, byte loads as the JDK's calls.
     */
    @Override
    void dot1Rows2(MemorySegment w, long ra, long rb, int cols, PreparedInput in, float[] out, int r, int outStride) {
        SuperBlockSums si = (SuperBlockSums) in; // always: this kernel prepared it
        float[] x = si.floats(), sums = si.sums();
        float[] sa = new float[16], sb = new float[16];
        int blocks = cols / BLOCK;
        FloatVector z = FloatVector.zero(F), loA = z, hiA = z, mnA = z, loB = z, hiB = z, mnB = z;
        for (int b = 0; b < blocks; b++) {
            long ba = ra + (long) b * BLOCK_BYTES, bb = rb + (long) b * BLOCK_BYTES;
            int xb = b * BLOCK;
            for (int k2 = 0; k2 < 2; k2++) KQuants.unpack(w, k2 == 0 ? ba : bb, k2 == 0 ? sa : sb); // one call site: see this method's comment
            int so = b * SuperBlockSums.STRIDE;
            for (int k = 0; k < 16; k += L) {
                FloatVector sv = FloatVector.fromArray(F, sums, so + k);
                mnA = FloatVector.fromArray(F, sa, k).fma(sv, mnA);
                mnB = FloatVector.fromArray(F, sb, k).fma(sv, mnB);
            }
            int c = 0; // not a counted loop: see Q4_KKernel.dot1
            for (int left = 0b1111; left != 0; left >>>= 1, c++) {
                int xc = xb + 64 * c;
                FloatVector tlA = z, thA = z, tlB = z, thB = z;
                for (int p = 0; p < 32; p += L) {
                    FloatVector xl = FloatVector.fromArray(F, x, xc + p), xh = FloatVector.fromArray(F, x, xc + 32 + p);
                    IntVector q = (IntVector) (L >= 8 ? ByteVector.fromMemorySegment(KernelSpecies.BL, w, ba + QS + 32 * c + p, ByteOrder.LITTLE_ENDIAN) : ByteVector.fromMemorySegment(KernelSpecies.BL, w, ba + QS + 32 * c + p, ByteOrder.LITTLE_ENDIAN, KernelSpecies.BL_FIRST)).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    IntVector h = ((IntVector) (L >= 8 ? ByteVector.fromMemorySegment(KernelSpecies.BL, w, ba + 16 + p, ByteOrder.LITTLE_ENDIAN) : ByteVector.fromMemorySegment(KernelSpecies.BL, w, ba + 16 + p, ByteOrder.LITTLE_ENDIAN, KernelSpecies.BL_FIRST)).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0)).lanewise(VectorOperators.LSHL, 4);
                    tlA = ((FloatVector) q.and(15).or(h.lanewise(VectorOperators.LSHR, 2 * c).and(16)).convert(VectorOperators.I2F, 0)).fma(xl, tlA);
                    thA = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2 * c + 1).and(16)).convert(VectorOperators.I2F, 0)).fma(xh, thA);
                    q = (IntVector) (L >= 8 ? ByteVector.fromMemorySegment(KernelSpecies.BL, w, bb + QS + 32 * c + p, ByteOrder.LITTLE_ENDIAN) : ByteVector.fromMemorySegment(KernelSpecies.BL, w, bb + QS + 32 * c + p, ByteOrder.LITTLE_ENDIAN, KernelSpecies.BL_FIRST)).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    h = ((IntVector) (L >= 8 ? ByteVector.fromMemorySegment(KernelSpecies.BL, w, bb + 16 + p, ByteOrder.LITTLE_ENDIAN) : ByteVector.fromMemorySegment(KernelSpecies.BL, w, bb + 16 + p, ByteOrder.LITTLE_ENDIAN, KernelSpecies.BL_FIRST)).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0)).lanewise(VectorOperators.LSHL, 4);
                    tlB = ((FloatVector) q.and(15).or(h.lanewise(VectorOperators.LSHR, 2 * c).and(16)).convert(VectorOperators.I2F, 0)).fma(xl, tlB);
                    thB = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2 * c + 1).and(16)).convert(VectorOperators.I2F, 0)).fma(xh, thB);
                }
                int sc = 2 * (c & 3);
                loA = tlA.fma(FloatVector.broadcast(F, sa[sc]), loA);
                hiA = thA.fma(FloatVector.broadcast(F, sa[sc + 1]), hiA);
                loB = tlB.fma(FloatVector.broadcast(F, sb[sc]), loB);
                hiB = thB.fma(FloatVector.broadcast(F, sb[sc + 1]), hiB);
            }
        }
        if (L == 16) {
            // both sums at once, in sum's order (see KernelSpecies.LOW_8): lanes 0 and 4
            FloatVector ta = loA.add(hiA).add(mnA), tb = loB.add(hiB).add(mnB);
            FloatVector sh = KernelSpecies.LOW_8.selectFrom(ta, tb).add(KernelSpecies.HIGH_8.selectFrom(ta, tb));
            FloatVector sq = KernelSpecies.LOW_4.selectFrom(sh, sh).add(KernelSpecies.HIGH_4.selectFrom(sh, sh));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_2));
            sq = sq.add(sq.rearrange(KernelSpecies.SWAP_1));
            out[r] = sq.lane(0);
            out[r + outStride] = sq.lane(4);
        } else {
            out[r] = KernelSpecies.sum(loA.add(hiA).add(mnA));
            out[r + outStride] = KernelSpecies.sum(loB.add(hiB).add(mnB));
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
        FloatVector l0 = z, l1 = z, l2 = z, l3 = z, h0 = z, h1 = z, h2 = z, h3 = z, m0 = z, m1 = z, m2 = z, m3 = z;
        for (int b = 0; b < blocks; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            int xb = xOff + b * BLOCK;
            KQuants.unpack(w, bo, sm);
            int so = sOff + b * SuperBlockSums.STRIDE;
            for (int k = 0; k < 16; k += L) {
                FloatVector s = FloatVector.fromArray(F, sm, k);
                m0 = s.fma(FloatVector.fromArray(F, sums, so + k), m0);
                m1 = s.fma(FloatVector.fromArray(F, sums, so + sStride + k), m1);
                m2 = s.fma(FloatVector.fromArray(F, sums, so + 2 * sStride + k), m2);
                m3 = s.fma(FloatVector.fromArray(F, sums, so + 3 * sStride + k), m3);
            }
            int c = 0; // not a counted loop: see Q4_KKernel.dot1
            for (int left = 0b1111; left != 0; left >>>= 1, c++) {
                int xc = xb + 64 * c;
                FloatVector t0 = z, t1 = z, t2 = z, t3 = z, u0 = z, u1 = z, u2 = z, u3 = z;
                for (int p = 0; p < 32; p += L) {
                    IntVector q = (IntVector) loadBytes(w, bo + QS + 32 * c + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    IntVector h = ((IntVector) loadBytes(w, bo + 16 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0)).lanewise(VectorOperators.LSHL, 4);
                    FloatVector ql = (FloatVector) q.and(15).or(h.lanewise(VectorOperators.LSHR, 2 * c).and(16)).convert(VectorOperators.I2F, 0);
                    FloatVector qh = (FloatVector) q.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2 * c + 1).and(16)).convert(VectorOperators.I2F, 0);
                    int xl = xc + p, xh = xc + 32 + p;
                    t0 = ql.fma(FloatVector.fromArray(F, x, xl), t0);
                    t1 = ql.fma(FloatVector.fromArray(F, x, xl + cols), t1);
                    t2 = ql.fma(FloatVector.fromArray(F, x, xl + 2 * cols), t2);
                    t3 = ql.fma(FloatVector.fromArray(F, x, xl + 3 * cols), t3);
                    u0 = qh.fma(FloatVector.fromArray(F, x, xh), u0);
                    u1 = qh.fma(FloatVector.fromArray(F, x, xh + cols), u1);
                    u2 = qh.fma(FloatVector.fromArray(F, x, xh + 2 * cols), u2);
                    u3 = qh.fma(FloatVector.fromArray(F, x, xh + 3 * cols), u3);
                }
                FloatVector sl = FloatVector.broadcast(F, sm[2 * (c & 3)]), sh = FloatVector.broadcast(F, sm[2 * (c & 3) + 1]);
                l0 = t0.fma(sl, l0);
                l1 = t1.fma(sl, l1);
                l2 = t2.fma(sl, l2);
                l3 = t3.fma(sl, l3);
                h0 = u0.fma(sh, h0);
                h1 = u1.fma(sh, h1);
                h2 = u2.fma(sh, h2);
                h3 = u3.fma(sh, h3);
            }
        }
        if (L == 16) {
            // four sums at once, in sum's order (see KernelSpecies.LOW_8): lanes 0, 4, 8, 12
            FloatVector t0 = l0.add(h0).add(m0), t1 = l1.add(h1).add(m1), t2 = l2.add(h2).add(m2), t3 = l3.add(h3).add(m3);
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
            out[outOff] = KernelSpecies.sum(l0.add(h0).add(m0));
            out[outOff + outStride] = KernelSpecies.sum(l1.add(h1).add(m1));
            out[outOff + 2 * outStride] = KernelSpecies.sum(l2.add(h2).add(m2));
            out[outOff + 3 * outStride] = KernelSpecies.sum(l3.add(h3).add(m3));
        }
    }

    /** Vectorised {@link #decodeScalar} over a row for the prefill panels (one FMA per weight: within a rounding of it). */
    @Override
    void decodeRow(MemorySegment w, long rowOff, int cols, float[] dst, int dstOff) {
        float[] sm = new float[16];
        for (int b = 0; b < cols / BLOCK; b++) {
            long bo = rowOff + (long) b * BLOCK_BYTES;
            KQuants.unpack(w, bo, sm);
            int c = 0; // not a counted loop: see Q4_KKernel.dot1
            for (int left = 0b1111; left != 0; left >>>= 1, c++) {
                FloatVector dsLo = FloatVector.broadcast(F, sm[2 * (c & 3)]), dmLo = FloatVector.broadcast(F, sm[8 + 2 * (c & 3)]);
                FloatVector dsHi = FloatVector.broadcast(F, sm[2 * (c & 3) + 1]), dmHi = FloatVector.broadcast(F, sm[9 + 2 * (c & 3)]);
                int o = dstOff + b * BLOCK + 64 * c;
                for (int p = 0; p < 32; p += L) {
                    IntVector q = (IntVector) loadBytes(w, bo + QS + 32 * c + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    IntVector h = ((IntVector) loadBytes(w, bo + 16 + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0)).lanewise(VectorOperators.LSHL, 4);
                    ((FloatVector) q.and(15).or(h.lanewise(VectorOperators.LSHR, 2 * c).and(16)).convert(VectorOperators.I2F, 0)).fma(dsLo, dmLo).intoArray(dst, o + p);
                    ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2 * c + 1).and(16)).convert(VectorOperators.I2F, 0)).fma(dsHi, dmHi).intoArray(dst, o + 32 + p);
                }
            }
        }
    }

    @Override
    void decodeBlock(MemorySegment w, long off, float[] dst, int dstOff) {
        decodeScalar(w, off, dst, dstOff);
    }
}
