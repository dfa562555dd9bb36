package dev.whittle.engine.intq;

import dev.whittle.core.intq.GroupedIntWeight;
import dev.whittle.core.intq.IntPacking;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Vector API matmul over compressed-tensors packed integer weights, reading the int32 words in place.
 * <p>
 * A word holds {@code p = 32/b} consecutive columns, code k at bits {@code b·k}. Rather than scattering codes back
 * into column order, {@link #prepare} transposes the activations to match: plane k of a token holds column
 * {@code w·p + k} of every word w. One lane then works on one word: shift, mask and convert code k of L words at
 * once, subtract the zero code, multiply by plane k, and after all p planes scale by the word's group scale. Words
 * must not straddle groups, so the group size must be a multiple of p (or the whole row); other layouts, and the
 * few words left over after the last full vector, take the scalar path. Each output is one row·token dot product
 * whose operation order depends only on the row length, never on the batch size or the row split across threads.
 */
public final class GroupedIntKernel {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int L = FS.length();

    private GroupedIntKernel() {}

    /** Activations transposed to the word-plane layout of one weight shape. */
    public record Prepared(float[] x, float[] planes, int n, int cols, int bits, int words) {}

    /** x is [n × cols] row-major. */
    public static Prepared prepare(GroupedIntWeight w, float[] x, int n) {
        int cols = w.cols(), pf = w.packFactor(), words = w.packedCols();
        float[] planes = new float[n * pf * words];
        for (int t = 0; t < n; t++) {
            int base = t * pf * words;
            for (int c = 0; c < cols; c++) planes[base + (c % pf) * words + c / pf] = x[t * cols + c];
        }
        return new Prepared(x, planes, n, cols, w.bits(), words);
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
        MemorySegment packed = w.packed();
        float[] planes = p.planes();
        for (int r = rowStart; r < rowEnd; r++) {
            rowParameters(w, r, wordScale, wordZero);
            long rowByte = 4L * r * words;
            for (int t = 0; t < n; t++) {
                int xBase = t * pf * words;
                float sum = 0f;
                if (vecWords > 0) {
                    FloatVector acc = FloatVector.zero(FS);
                    for (int wi = 0; wi < vecWords; wi += L) {
                        IntVector codes = IntVector.fromMemorySegment(IS, packed, rowByte + 4L * wi, ByteOrder.LITTLE_ENDIAN);
                        FloatVector zero = FloatVector.fromArray(FS, wordZero, wi);
                        FloatVector inner = FloatVector.zero(FS);
                        for (int k = 0; k < pf; k++) {
                            IntVector code = codes.lanewise(VectorOperators.LSHR, bits * k).and(mask);
                            FloatVector q = ((FloatVector) code.convert(VectorOperators.I2F, 0)).sub(zero);
                            inner = q.fma(FloatVector.fromArray(FS, planes, xBase + k * words + wi), inner);
                        }
                        acc = inner.fma(FloatVector.fromArray(FS, wordScale, wi), acc);
                    }
                    sum = acc.reduceLanes(VectorOperators.ADD);
                }
                for (int wi = vecWords; wi < words; wi++) {
                    int word = packed.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), rowByte + 4L * wi);
                    float inner = 0f;
                    for (int k = 0; k < pf; k++)
                        inner += (((word >>> (bits * k)) & mask) - wordZero[wi]) * planes[xBase + k * words + wi];
                    sum += inner * wordScale[wi];
                }
                out[t * rows + r] = sum;
            }
        }
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
