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

/**
 * Q4_K weights: super-blocks of 256, {@code f16 d; f16 dmin; u8 scales[12]; u8 qs[128]}: eight sub-blocks of
 * 32 with 6-bit scale s and min m ({@link KQuants}); sub-block 2c lives in the low nibbles of qs[32c ..] and
 * 2c+1 in the high nibbles; weight = d*s*q - dmin*m, decoded with one FMA per lane.
 * <p>Choice: float decode + FMA (no int8 variant: see Kernels). Decode (one token) multiplies the plain nibbles
 * with x per sub-block and applies scale and min per sub-block ({@link #dot1}); prefill panels decode weights
 * to floats ({@link #decodeRow}). Measured on the 2-vCPU Xeon, MatmulProbe best, 512×2048 (in cache),
 * 1 thread, alternating with the previous per-weight decode: 5.3-5.5 against 3.5-4.1 GB/s; tinyllama-shape
 * tg32 on 2 threads 10.0-11.1 against 7.3-9.8 tok/s (three alternating rounds).
 * <p>Two rows at a time ({@link #dot1Rows2}) share the activation loads: MatmulProbe over a 560 MB file, 1 thread,
 * 8.5 against 7.6 GB/s (in cache 61.5 against 63-64 µs); tinyllama-shape tg32 28.0 against 22.6 tok/s.
 */
public final class Q4_KKernel extends FloatRowKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.F;
    private static final int L = KernelSpecies.L;
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 144;
    private static final int QS = 16;

    public Q4_KKernel() {
        super(DType.Q4_K);
    }

    /** Scalar reference: decodes the block at {@code off} into {@code dst[dstOff ..]} exactly as the format defines it. */
    static void decodeScalar(MemorySegment w, long off, float[] dst, int dstOff) {
        float d = Halfs.half(w, off), dmin = Halfs.half(w, off + 2);
        for (int c = 0; c < 4; c++) {
            float d1 = d * KQuants.scale(w, off + 4, 2 * c), m1 = dmin * KQuants.min(w, off + 4, 2 * c);
            float d2 = d * KQuants.scale(w, off + 4, 2 * c + 1), m2 = dmin * KQuants.min(w, off + 4, 2 * c + 1);
            for (int l = 0; l < 32; l++) {
                int q = w.get(ValueLayout.JAVA_BYTE, off + 16 + 32 * c + l) & 0xFF;
                dst[dstOff + 64 * c + l] = d1 * (q & 15) - m1;
                dst[dstOff + 64 * c + 32 + l] = d2 * (q >> 4) - m2;
            }
        }
    }

    /** Activations with their 32-element sub-block sums, which carry the mins (see {@link #dot1}). */
    @Override
    PreparedInput prepared(float[] x, int n, int cols) {
        return SuperBlockSums.of(x, n, cols, 32);
    }

    /**
     * Σ_j d·s_j·Σ q·x − Σ_j dmin·m_j·Σx: per sub-block the plain Σ q·x (nibbles straight from the zero-extended
     * bytes: one AND or one shift), scaled by one FMA; the mins meet the precomputed sub-block sums in one FMA
     * per super-block. 7 vector ops per 32 weights plus 2 per 64, against 10 per 32 when every weight was decoded
     * to {@code d·s·q − dmin·m} first. Three chains: low-nibble sub-blocks (2c), high (2c+1), mins.
     * One block loop written once keeps the compilation under C2's node budget.
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
            // Not a counted loop (the exit test is a shift, not a compare of c): as `for (c = 0; c < 4; c++)`
            // C2 split it into pre/main/post loops and computed range-check bounds on every super-block, about
            // 200 scalar instructions against 4 × 18 vector ones. MatmulProbe 512×2048, 1 thread, alternating:
            // 66-69 against 76-78 µs; tinyllama-shape tg32 16.6-16.8 against 14.9-15.1 tok/s. The c & 3 below
            // tells C2 the index is in range, so it drops those bounds checks too.
            int c = 0;
            for (int left = 0b1111; left != 0; left >>>= 1, c++) {
                long qs = bo + QS + 32 * c;
                int xc = xb + 64 * c;
                FloatVector tl = z, th = z;
                for (int p = 0; p < 32; p += L) {
                    IntVector q = (IntVector) loadBytes(w, qs + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    tl = lowNibbles(q).fma(FloatVector.fromArray(F, x, xc + p), tl);
                    th = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, x, xc + 32 + p), th);
                }
                lo = tl.fma(FloatVector.broadcast(F, sm[2 * (c & 3)]), lo);
                hi = th.fma(FloatVector.broadcast(F, sm[2 * (c & 3) + 1]), hi);
            }
        }
        return KernelSpecies.sum(lo.add(hi).add(mn));
    }

    /**
     * Rows at {@code ra} and {@code rb} against token 0, sharing the activation loads; per row exactly
     * {@link #dot1}'s operations and order. Results to {@code out[r]} and {@code out[r + outStride]}. A method of
     * its own so its body gets C2's whole node budget, and the two scale unpackings share one call site: written
     * out twice, in one method or in this one, they pushed it past the budget and every vector was boxed (7×
     * slower).
     */
    @Override
    void dot1Rows2(MemorySegment w, long ra, long rb, int cols, PreparedInput in, float[] out, int r, int outStride) {
        SuperBlockSums si = (SuperBlockSums) in; // always: this kernel prepared it
        float[] x = si.floats(), sums = si.sums();
        float[] sa = new float[16], sb = new float[16];
        int blocks = cols / BLOCK;
        FloatVector z = FloatVector.zero(F);
        FloatVector loA = z, hiA = z, mnA = z, loB = z, hiB = z, mnB = z;
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
            int c = 0;
            for (int left = 0b1111; left != 0; left >>>= 1, c++) { // uncounted: see dot1
                int xc = xb + 64 * c;
                FloatVector tlA = z, thA = z, tlB = z, thB = z;
                for (int p = 0; p < 32; p += L) {
                    FloatVector xl = FloatVector.fromArray(F, x, xc + p), xh = FloatVector.fromArray(F, x, xc + 32 + p);
                    IntVector qa = (IntVector) loadBytes(w, ba + QS + 32 * c + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    IntVector qb = (IntVector) loadBytes(w, bb + QS + 32 * c + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    tlA = lowNibbles(qa).fma(xl, tlA);
                    thA = ((FloatVector) qa.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0)).fma(xh, thA);
                    tlB = lowNibbles(qb).fma(xl, tlB);
                    thB = ((FloatVector) qb.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0)).fma(xh, thB);
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
                long qs = bo + QS + 32 * c;
                int xc = xb + 64 * c;
                FloatVector t0 = z, t1 = z, t2 = z, t3 = z, u0 = z, u1 = z, u2 = z, u3 = z;
                for (int p = 0; p < 32; p += L) {
                    IntVector q = (IntVector) loadBytes(w, qs + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    FloatVector ql = (FloatVector) q.and(15).convert(VectorOperators.I2F, 0), qh = (FloatVector) q.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0);
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

    @Override
    void decodeBlock(MemorySegment w, long off, float[] dst, int dstOff) {
        decodeScalar(w, off, dst, dstOff);
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
                long qs = bo + QS + 32 * c;
                int o = dstOff + b * BLOCK + 64 * c;
                for (int p = 0; p < 32; p += L) {
                    IntVector q = (IntVector) loadBytes(w, qs + p).convertShape(VectorOperators.ZERO_EXTEND_B2I, KernelSpecies.I, 0);
                    ((FloatVector) q.and(15).convert(VectorOperators.I2F, 0)).fma(dsLo, dmLo).intoArray(dst, o + p);
                    ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0)).fma(dsHi, dmHi).intoArray(dst, o + 32 + p);
                }
            }
        }
    }
}
