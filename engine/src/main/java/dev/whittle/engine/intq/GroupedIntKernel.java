package dev.whittle.engine.intq;

import dev.whittle.core.intq.GroupedIntWeight;
import dev.whittle.core.intq.IntPacking;
import dev.whittle.engine.kernel.DecodedRowGemm;
import dev.whittle.engine.kernel.KernelSpecies;
import dev.whittle.engine.kernel.RowStreams;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector API matmul over compressed-tensors packed integer weights, reading the int32 words in place.
 * <p>
 * A word holds {@code p = 32/b} consecutive columns, code k at bits {@code b·k}. Rather than scattering codes back
 * into column order, {@link #prepare} transposes the activations to match: plane k of a token holds column
 * {@code w·p + k} of every word w. One lane then works on one word: shift, mask and convert code k of L words at
 * once, subtract the zero code, multiply by plane k, and after all p planes scale by the word's group scale. Words
 * must not straddle groups, so the group size must be a multiple of p (or the whole row); other layouts, and the
 * words left over after the last full vector take half-width vectors (when the preferred ones are wider than
 * 256 bits), then the scalar path. Up to four tokens share each decoded
 * word vector (short batches). Each output is one row·token dot product
 * whose operation order depends only on the row length, never on the batch size or the row split across threads.
 * <p>From {@link DecodedRowGemm#MIN_TOKENS} tokens on (prefill), rows are dequantized once into the planes' column
 * order and multiplied with every token by the panel GEMM the GGUF kernels use; those results agree with the
 * per-token path to float rounding, and still do not depend on the row split. tinyllama shape, INT4 g128
 * ({@code whittle quantize --type int4}), 2 threads, pp128: 92-98 against 25 tok/s with four tokens per decoded word.
 */
public final class GroupedIntKernel {
    private static final VectorSpecies<Float> FS = KernelSpecies.F; // the width -Dwhittle.vectorBits chose
    private static final VectorSpecies<Integer> IS = KernelSpecies.I;
    private static final int L = FS.length();
    /** Half-width vectors for the words left after the full-width ones (short rows of small models). */
    private static final VectorSpecies<Float> FS_HALF = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> IS_HALF = IntVector.SPECIES_256;
    private static final int L_HALF = L > FS_HALF.length() ? FS_HALF.length() : 0;
    private static final int TOKENS_PER_PASS = 4;
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private GroupedIntKernel() {}

    /**
     * Activations transposed to the word-plane layout of one weight shape; from {@link DecodedRowGemm#MIN_TOKENS}
     * tokens on (vector layouts only) also packed for the panel GEMM, else {@code packed} is null.
     */
    public record Prepared(float[] x, float[] planes, int n, int cols, int bits, int words,
                           DecodedRowGemm.Activations packed) {}

    /** x is [n × cols] row-major. */
    public static Prepared prepare(GroupedIntWeight w, float[] x, int n) {
        int cols = w.cols(), pf = w.packFactor(), words = w.packedCols();
        float[] planes = new float[n * pf * words];
        for (int t = 0; t < n; t++) {
            int base = t * pf * words;
            for (int c = 0; c < cols; c++) planes[base + (c % pf) * words + c / pf] = x[t * cols + c];
        }
        DecodedRowGemm.Activations packed = n >= DecodedRowGemm.MIN_TOKENS && vectorizable(w)
                ? DecodedRowGemm.pack(planes, n, pf * words) : null;
        return new Prepared(x, planes, n, cols, w.bits(), words, packed);
    }

    /** Whether rows of {@code w} can take the vector path (words never straddle groups). */
    public static boolean vectorizable(GroupedIntWeight w) {
        return w.perChannel() || w.groupSize() % w.packFactor() == 0;
    }

    public static void multiply(GroupedIntWeight w, Prepared p, float[] out, int rowStart, int rowEnd) {
        if (p.cols() != w.cols() || p.bits() != w.bits()) throw new IllegalArgumentException("activations prepared for another weight shape");
        if (!vectorizable(w)) {
            GroupedIntReference.multiply(w, p.x(), p.n(), out, rowStart, rowEnd);
            return;
        }
        int words = p.words(), pf = w.packFactor(), bits = w.bits(), rows = w.rows(), n = p.n();
        int mask = IntPacking.mask(bits);
        int vecWords = words - words % L;
        float[] wordScale = new float[words];
        float[] wordZero = new float[words];
        if (p.packed() != null) {
            DecodedRowGemm.multiply((r, dst, off) -> decodeRowPlanes(w, r, wordScale, wordZero, vecWords, dst, off),
                    rows, p.packed(), out, rowStart, rowEnd);
            return;
        }
        MemorySegment packed = w.packed();
        float[] planes = p.planes();
        int wordsPerGroup = w.perChannel() ? words : w.groupSize() / pf;
        // rows in RowStreams' order, as the GGUF kernels read theirs (the order changes no result). INT4 g128
        // decode over 256 MB, 1 thread, alternating: 114-139 against 119-144 ms row by row (3-10 % in five more)
        int streams = RowStreams.STREAMS, perStream = (rowEnd - rowStart) / streams;
        if (n == 1 && vecWords == words && wordsPerGroup % L == 0) {
            for (int i = 0; i < rowEnd - rowStart; i++) {
                int r = RowStreams.row(rowStart, i, streams, perStream);
                out[r] = groupedSum(w, r, packed, 4L * r * words, planes, pf, words, wordsPerGroup, bits, mask);
            }
            return;
        }
        int halfEnd = L_HALF == 0 ? vecWords : vecWords + (words - vecWords) / L_HALF * L_HALF;
        float[] sums = new float[TOKENS_PER_PASS];
        float[] halfSums = new float[TOKENS_PER_PASS];
        for (int i = 0; i < rowEnd - rowStart; i++) {
            int r = RowStreams.row(rowStart, i, streams, perStream);
            long rowByte = 4L * r * words;
            rowParameters(w, r, wordScale, wordZero);
            for (int t0 = 0; t0 < n; t0 += TOKENS_PER_PASS) {
                int count = Math.min(TOKENS_PER_PASS, n - t0);
                if (vecWords == 0) java.util.Arrays.fill(sums, 0f);
                else if (count == 1) sums[0] = vectorSum(packed, rowByte, planes, wordScale, wordZero, t0 * pf * words, pf, words, bits, mask, vecWords);
                else vectorSums(packed, rowByte, planes, wordScale, wordZero, t0, count, pf, words, bits, mask, vecWords, sums);
                if (halfEnd > vecWords) halfSums(packed, rowByte, planes, wordScale, wordZero, t0, count, pf, words, bits, mask, vecWords, halfEnd, halfSums);
                else java.util.Arrays.fill(halfSums, 0f);
                for (int j = 0; j < count; j++) {
                    int xBase = (t0 + j) * pf * words;
                    float sum = sums[j] + halfSums[j];
                    for (int wi = halfEnd; wi < words; wi++) {
                        int word = packed.get(WORD, rowByte + 4L * wi);
                        float inner = 0f;
                        for (int k = 0; k < pf; k++)
                            inner += (((word >>> (bits * k)) & mask) - wordZero[wi]) * planes[xBase + k * words + wi];
                        sum += inner * wordScale[wi];
                    }
                    out[(t0 + j) * rows + r] = sum;
                }
            }
        }
    }

    /**
     * Vector part of up to four tokens' dot products with one row, decoding each word vector once for all of them.
     * Per token the operations are the same whatever {@code count}, so a token's result does not depend on its batch.
     */
    private static void vectorSums(MemorySegment packed, long rowByte, float[] planes, float[] wordScale,
                                   float[] wordZero, int t0, int count, int pf, int words, int bits, int mask,
                                   int vecWords, float[] sums) {
        int stride = pf * words;
        // missing tokens of a short pass repeat the first one; their sums are ignored
        int b0 = t0 * stride;
        int b1 = count > 1 ? b0 + stride : b0;
        int b2 = count > 2 ? b0 + 2 * stride : b0;
        int b3 = count > 3 ? b0 + 3 * stride : b0;
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
        for (int wi = 0; wi < vecWords; wi += L) {
            IntVector codes = IntVector.fromMemorySegment(IS, packed, rowByte + 4L * wi, ByteOrder.LITTLE_ENDIAN);
            FloatVector zero = FloatVector.fromArray(FS, wordZero, wi);
            FloatVector i0 = FloatVector.zero(FS), i1 = i0, i2 = i0, i3 = i0;
            for (int k = 0; k < pf; k++) {
                IntVector code = codes.lanewise(VectorOperators.LSHR, bits * k).and(mask);
                FloatVector q = ((FloatVector) code.convert(VectorOperators.I2F, 0)).sub(zero);
                int off = k * words + wi;
                i0 = q.fma(FloatVector.fromArray(FS, planes, b0 + off), i0);
                i1 = q.fma(FloatVector.fromArray(FS, planes, b1 + off), i1);
                i2 = q.fma(FloatVector.fromArray(FS, planes, b2 + off), i2);
                i3 = q.fma(FloatVector.fromArray(FS, planes, b3 + off), i3);
            }
            FloatVector scale = FloatVector.fromArray(FS, wordScale, wi);
            a0 = i0.fma(scale, a0);
            a1 = i1.fma(scale, a1);
            a2 = i2.fma(scale, a2);
            a3 = i3.fma(scale, a3);
        }
        sums[0] = sumLanes(a0);
        sums[1] = sumLanes(a1);
        sums[2] = sumLanes(a2);
        sums[3] = sumLanes(a3);
    }

    /**
     * Row r dequantized in the planes' column order (code k of word w at {@code k·words + w}), for the panel GEMM
     * against activations in that same order; padding columns of a last partial word meet zero activations.
     * Values are {@code (code − zero)·scale} in float, as {@link GroupedIntWeight#dequantizeRow} computes them.
     */
    private static void decodeRowPlanes(GroupedIntWeight w, int r, float[] wordScale, float[] wordZero, int vecWords,
                                        float[] dst, int off) {
        rowParameters(w, r, wordScale, wordZero);
        int words = wordScale.length, pf = w.packFactor(), bits = w.bits(), mask = IntPacking.mask(bits);
        MemorySegment packed = w.packed();
        long rowByte = 4L * r * words;
        for (int wi = 0; wi < vecWords; wi += L) {
            IntVector codes = IntVector.fromMemorySegment(IS, packed, rowByte + 4L * wi, ByteOrder.LITTLE_ENDIAN);
            FloatVector zero = FloatVector.fromArray(FS, wordZero, wi), scale = FloatVector.fromArray(FS, wordScale, wi);
            for (int k = 0; k < pf; k++) {
                IntVector code = codes.lanewise(VectorOperators.LSHR, bits * k).and(mask);
                ((FloatVector) code.convert(VectorOperators.I2F, 0)).sub(zero).mul(scale).intoArray(dst, off + k * words + wi);
            }
        }
        for (int wi = vecWords; wi < words; wi++) {
            int word = packed.get(WORD, rowByte + 4L * wi);
            for (int k = 0; k < pf; k++) dst[off + k * words + wi] = (((word >>> (bits * k)) & mask) - wordZero[wi]) * wordScale[wi];
        }
    }

    /**
     * One token against row r when every group covers whole vectors (group size a multiple of L codes' words):
     * each group's scale and zero code are broadcast once instead of being spread over per-word arrays. The same
     * operations and order as {@link #vectorSum}, whose array lanes hold those same values, so the same result.
     * Decode over a 256 MB INT4 g128 matrix (500000×2048), 1 thread, best of 20: 9.5 Gweights/s, against 6.7
     * with {@link #vectorSum} and 4.9 with the four-token path both replaced for one token.
     */
    private static float groupedSum(GroupedIntWeight w, int r, MemorySegment packed, long rowByte, float[] planes,
                                    int pf, int words, int wordsPerGroup, int bits, int mask) {
        int offset = IntPacking.offset(bits);
        FloatVector a0 = FloatVector.zero(FS);
        for (int g = 0, start = 0; start < words; g++, start += wordsPerGroup) {
            FloatVector scale = FloatVector.broadcast(FS, w.scale(r, g));
            FloatVector zero = FloatVector.broadcast(FS, (float) (offset + w.zeroPoint(r, g)));
            for (int wi = start; wi < start + wordsPerGroup; wi += L) {
                IntVector codes = IntVector.fromMemorySegment(IS, packed, rowByte + 4L * wi, ByteOrder.LITTLE_ENDIAN);
                FloatVector i0 = FloatVector.zero(FS);
                for (int k = 0; k < pf; k++) {
                    IntVector code = codes.lanewise(VectorOperators.LSHR, bits * k).and(mask);
                    FloatVector q = ((FloatVector) code.convert(VectorOperators.I2F, 0)).sub(zero);
                    i0 = q.fma(FloatVector.fromArray(FS, planes, k * words + wi), i0);
                }
                a0 = i0.fma(scale, a0);
            }
        }
        return sumLanes(a0);
    }

    /**
     * {@link #vectorSums} for one token (decode), whose planes start at {@code base}: the same operations and order
     * as that token's lanes there, without the three repeated tokens a short pass would otherwise compute.
     */
    private static float vectorSum(MemorySegment packed, long rowByte, float[] planes, float[] wordScale,
                                   float[] wordZero, int base, int pf, int words, int bits, int mask, int vecWords) {
        FloatVector a0 = FloatVector.zero(FS);
        for (int wi = 0; wi < vecWords; wi += L) {
            IntVector codes = IntVector.fromMemorySegment(IS, packed, rowByte + 4L * wi, ByteOrder.LITTLE_ENDIAN);
            FloatVector zero = FloatVector.fromArray(FS, wordZero, wi);
            FloatVector i0 = FloatVector.zero(FS);
            for (int k = 0; k < pf; k++) {
                IntVector code = codes.lanewise(VectorOperators.LSHR, bits * k).and(mask);
                FloatVector q = ((FloatVector) code.convert(VectorOperators.I2F, 0)).sub(zero);
                i0 = q.fma(FloatVector.fromArray(FS, planes, base + k * words + wi), i0);
            }
            a0 = i0.fma(FloatVector.fromArray(FS, wordScale, wi), a0);
        }
        return sumLanes(a0);
    }

    /** {@link #vectorSums} on half-width vectors over words [from, to). */
    private static void halfSums(MemorySegment packed, long rowByte, float[] planes, float[] wordScale,
                                   float[] wordZero, int t0, int count, int pf, int words, int bits, int mask,
                                   int from, int to, float[] sums) {
        int stride = pf * words;
        // missing tokens of a short pass repeat the first one; their sums are ignored
        int b0 = t0 * stride;
        int b1 = count > 1 ? b0 + stride : b0;
        int b2 = count > 2 ? b0 + 2 * stride : b0;
        int b3 = count > 3 ? b0 + 3 * stride : b0;
        FloatVector a0 = FloatVector.zero(FS_HALF), a1 = a0, a2 = a0, a3 = a0;
        for (int wi = from; wi < to; wi += L_HALF) {
            IntVector codes = IntVector.fromMemorySegment(IS_HALF, packed, rowByte + 4L * wi, ByteOrder.LITTLE_ENDIAN);
            FloatVector zero = FloatVector.fromArray(FS_HALF, wordZero, wi);
            FloatVector i0 = FloatVector.zero(FS_HALF), i1 = i0, i2 = i0, i3 = i0;
            for (int k = 0; k < pf; k++) {
                IntVector code = codes.lanewise(VectorOperators.LSHR, bits * k).and(mask);
                FloatVector q = ((FloatVector) code.convert(VectorOperators.I2F, 0)).sub(zero);
                int off = k * words + wi;
                i0 = q.fma(FloatVector.fromArray(FS_HALF, planes, b0 + off), i0);
                i1 = q.fma(FloatVector.fromArray(FS_HALF, planes, b1 + off), i1);
                i2 = q.fma(FloatVector.fromArray(FS_HALF, planes, b2 + off), i2);
                i3 = q.fma(FloatVector.fromArray(FS_HALF, planes, b3 + off), i3);
            }
            FloatVector scale = FloatVector.fromArray(FS_HALF, wordScale, wi);
            a0 = i0.fma(scale, a0);
            a1 = i1.fma(scale, a1);
            a2 = i2.fma(scale, a2);
            a3 = i3.fma(scale, a3);
        }
        sums[0] = sumHalfLanes(a0);
        sums[1] = sumHalfLanes(a1);
        sums[2] = sumHalfLanes(a2);
        sums[3] = sumHalfLanes(a3);
    }

    /** Lanes added in a fixed order: reduceLanes(ADD) may reorder them differently once compiled. */
    private static float sumLanes(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < L; i++) s += v.lane(i);
        return s;
    }

    private static float sumHalfLanes(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < L_HALF; i++) s += v.lane(i);
        return s;
    }

    /** Per word of row r: its group's scale and zero code (2^(b−1) + signed zero point). */
    private static void rowParameters(GroupedIntWeight w, int r, float[] wordScale, float[] wordZero) {
        int pf = w.packFactor(), words = wordScale.length, offset = IntPacking.offset(w.bits());
        int wordsPerGroup = w.perChannel() ? words : w.groupSize() / pf;
        for (int g = 0, start = 0; start < words; g++, start += wordsPerGroup) {
            float s = w.scale(r, g);
            float z = offset + w.zeroPoint(r, g);
            for (int wi = start, end = Math.min(words, start + wordsPerGroup); wi < end; wi++) {
                wordScale[wi] = s;
                wordZero[wi] = z;
            }
        }
    }
}
