package dev.whittle.engine.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The vector width every kernel uses, fixed at class-load time so the JIT folds it into constants, chosen by
 * {@link VectorWidth}: {@code -Dwhittle.vectorBits}, else the width {@code whittle bench --tune-width} measured
 * fastest on this CPU, else the preferred width. On the AVX-512 EPYC these kernels were first measured on,
 * 512-bit lanes were faster than 256 for every dtype (decode, 5632×2048, 1 thread, best of many runs: F32 35 vs
 * 27 GB/s, F16 21.6 vs 13.0, Q8_0 15.2 vs 8.1, Q4_0 7.6 vs 4.1, Q4_K 3.8 vs 3.0, Q6_K 3.6 vs 1.7).
 */
public final class KernelSpecies {
    /** The width and where it came from ({@link VectorWidth}); first, as {@link #F} is built from it. */
    public static final VectorWidth.Choice WIDTH = VectorWidth.choose(FloatVector.SPECIES_PREFERRED.vectorBitSize());
    /** Float lanes; all kernels are written in terms of this species. */
    public static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(WIDTH.bits()));
    /** Int lanes, same lane count as {@link #F}. */
    public static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Short lanes, same lane count as {@link #F} (half the bits). */
    public static final VectorSpecies<Short> S = VectorSpecies.of(short.class,
            VectorShape.forBitSize(F.vectorBitSize() / 2));
    /** Lanes per float vector. */
    public static final int L = F.length();

    /** Byte species holding at least L lanes: conversions from it to {@link #F} take part 0 only, which the JIT intrinsifies (other parts fall back to slow Java code). */
    static final VectorSpecies<Byte> BL = L >= 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    /** The first L lanes of {@link #BL}, for the 4-lane species (loads must not read past a block). */
    static final VectorMask<Byte> BL_FIRST = BL.indexInRange(0, L);

    private KernelSpecies() {}

    /** L bytes at {@code off} into a byte vector (masked for 4 lanes so it never reads past the block). */
    static ByteVector loadBytes(MemorySegment w, long off) {
        return L >= 8 ? ByteVector.fromMemorySegment(BL, w, off, ByteOrder.LITTLE_ENDIAN)
                : ByteVector.fromMemorySegment(BL, w, off, ByteOrder.LITTLE_ENDIAN, BL_FIRST);
    }

    /** L bytes of {@code a} from {@code off}. */
    static ByteVector loadBytes(byte[] a, int off) {
        return L >= 8 ? ByteVector.fromArray(BL, a, off) : ByteVector.fromArray(BL, a, off, BL_FIRST);
    }

    /** The first L byte lanes as float lanes (sign-extended). */
    static FloatVector toFloats(ByteVector b) {
        return (FloatVector) b.convertShape(VectorOperators.B2F, F, 0);
    }

    /** The first L byte lanes as int lanes (sign-extended). */
    static IntVector toInts(ByteVector b) {
        return (IntVector) b.convertShape(VectorOperators.B2I, I, 0);
    }

    /*
     * Lane indices and shuffles for summing four 16-lane vectors at once, in {@link #sum}'s order, at the end of
     * the decode kernels (L = 16 only; null otherwise). Written out in each kernel rather than in a helper: the
     * kernels are at C2's node budget, where a helper is not inlined ("NodeCountInliningCutoff") and its vector
     * arguments are boxed, while the Vector API's own methods are force-inlined. {@link #sum} itself was not
     * inlined there either, so each of a kernel's four sums boxed its vector and made a call. The steps, for
     * vectors a, b, c, d:
     *   h = LOW_8.selectFrom(a, b) + HIGH_8.selectFrom(a, b)   -> [a_i + a_(i+8) (8 lanes), b likewise]
     *   k = the same for c, d
     *   q = LOW_4.selectFrom(h, k) + HIGH_4.selectFrom(h, k)   -> per four lanes: x_i + x_(i+4) of a, b, c, d
     *   q = q + q.rearrange(SWAP_2); q = q + q.rearrange(SWAP_1) -> lanes 0, 4, 8, 12: (l0 + l2) + (l1 + l3)
     * which are exactly sum's additions, lane for lane: 7 permutes and 5 adds for four sums. MatmulProbe, 1 thread,
     * in cache, before → after: Q4_0 1536×576 51.6 → 43.3 µs, Q8_0 58.8 → 50.6, F16 99.8 → 82.5; Q4_0 4 tokens
     * 512×2048 162 → 152 (bench/kernel-benchmarks.md, eighth session).
     */
    static final FloatVector LOW_8 = L == 16 ? indices(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) : null;
    static final FloatVector HIGH_8 = L == 16 ? indices(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31) : null;
    static final FloatVector LOW_4 = L == 16 ? indices(0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) : null;
    static final FloatVector HIGH_4 = L == 16 ? indices(4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31) : null;
    static final VectorShuffle<Float> SWAP_2 = L == 16 ? VectorShuffle.fromValues(F, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13) : null;
    static final VectorShuffle<Float> SWAP_1 = L == 16 ? VectorShuffle.fromValues(F, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14) : null;

    private static FloatVector indices(int... lanes) {
        float[] f = new float[lanes.length];
        for (int i = 0; i < f.length; i++) f[i] = lanes[i];
        return FloatVector.fromArray(F, f, 0);
    }

    /**
     * Sum of the lanes in a fixed pairwise order: lane i + lane i + L/2, then the same on the result, down to
     * lane 0 + lane 1. {@code reduceLanes(ADD)} leaves the order to the implementation, and the interpreter's
     * fallback (sequential) and C2's intrinsic (a tree) differ in the last bit, so the same row could give
     * different results before and after JIT compilation. The halves are taken with
     * {@code reinterpretShape(half, 0 | 1)}, which C2 turns into register extracts: about 2 ns per 512-bit sum
     * against 21 ns for the earlier version that spilled to a fresh float[L] (bit-identical results).
     */
    public static float sum(FloatVector v) {
        // written out rather than via a helper: a helper C2 has already compiled on its own counts as "already
        // compiled into a big method" and is then not inlined, leaving boxed vectors 3x slower in the kernels
        if (L >= 16) {
            v = ((FloatVector) v.reinterpretShape(FloatVector.SPECIES_256, 0))
                    .add((FloatVector) v.reinterpretShape(FloatVector.SPECIES_256, 1));
        }
        if (L >= 8) {
            v = ((FloatVector) v.reinterpretShape(FloatVector.SPECIES_128, 0))
                    .add((FloatVector) v.reinterpretShape(FloatVector.SPECIES_128, 1));
        }
        // the last two steps on scalars: C2 has no intrinsic for 2-lane (64-bit) float vectors
        return (v.lane(0) + v.lane(2)) + (v.lane(1) + v.lane(3));
    }

    /**
     * Σ x[off .. off + len): vector adds lane by lane, then {@link #sum(FloatVector)}, then the tail in order;
     * the same bits on any thread and in any JIT state.
     */
    public static float sum(float[] x, int off, int len) {
        int i = 0;
        float s = 0f;
        if (len >= L) {
            FloatVector acc = FloatVector.zero(F);
            for (; i <= len - L; i += L) acc = acc.add(FloatVector.fromArray(F, x, off + i));
            s = sum(acc);
        }
        for (; i < len; i++) s += x[off + i];
        return s;
    }

    /** Float bits of 0, 1, .. 15 (and of L-1 at most for narrower species), the table {@link #lowNibbles} reads. */
    private static final IntVector NIBBLE_VALUES = IntVector.fromArray(I,
            java.util.stream.IntStream.range(0, 16).map(i -> Float.floatToIntBits(i)).toArray(), 0);

    /**
     * The low 4 bits of each int lane, as floats. With 16 lanes a table lookup (selectFrom wraps the index to
     * 0..15, so it is the AND as well): the AND and the permute split across the two 512-bit ports, where the
     * conversion it replaces runs on the one port the high nibble's shift and conversion also need. Q4_0 decode,
     * MatmulProbe 512×2048 1 thread: 45.7 against 54 µs. Narrower species: AND and convert.
     */
    static FloatVector lowNibbles(IntVector q) {
        if (L == 16) return q.selectFrom(NIBBLE_VALUES).reinterpretAsFloats();
        return intsToFloats(q.and(15));
    }

    /** The low L bits set: {@link #withFifthBits}' mask of the lanes a word of bits covers. */
    private static final long LANE_BITS = L == 64 ? -1L : (1L << L) - 1;

    /**
     * {@code nibbles} with 16 added (OR-ed) in lane j where bit j of {@code bits} is set: Q5_0 and Q5_1's fifth
     * bits. One mask move and one masked OR; the per-lane shift it replaced (broadcast, variable shift, AND, OR)
     * took four vector ops. The same integers, so results are unchanged bit for bit.
     */
    static IntVector withFifthBits(IntVector nibbles, int bits) {
        return nibbles.lanewise(VectorOperators.OR, 16, VectorMask.fromLong(I, bits & LANE_BITS));
    }

    /**
     * Int lanes to float lanes (same shape, so a plain lane conversion). Kernel loops write the conversion out
     * instead of calling this: once a compilation passes C2's node budget, calls to our own helpers are no longer
     * inlined (the JDK's vector methods still are), and one such call left Q6_K's decode loop boxing vectors at a
     * quarter of its speed, depending on what had been compiled before it (213-222 against 46-53 µs).
     */
    static FloatVector intsToFloats(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

}
