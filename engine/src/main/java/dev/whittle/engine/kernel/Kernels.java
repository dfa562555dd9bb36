package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;

import java.util.EnumMap;
import java.util.Map;

/**
 * The kernel registry: {@link #forType} gives the fastest (vectorised) kernel for a weight dtype,
 * {@link #scalar} its plain reference twin. Kernels are stateless and shared.
 * <p><b>int8 activations or float decode?</b> Every dtype uses float decode + FMA ({@link FloatRowKernel}).
 * The llama.cpp-style alternative ({@link Int8DotKernel}: activations quantized to Q8 blocks, int8×int8
 * products widened to 16/32-bit lanes, one float scale per block) was measured for Q8_0 and Q4_0 and did not
 * win: the Vector API exposes no VNNI/maddubs-style dot instruction, so each int8 product costs two widening
 * conversions plus a 16-bit multiply and a 16→32-bit widening, which is more work per weight than widening
 * the weight once to float and using FMA. JMH (2048×2048, 1 thread, µs/op, float vs int8): Q8_0 decode
 * 1637 vs 1811, prefill-32 28980 vs 32373; Q4_0 decode 1515 vs 1670, prefill-32 24369 vs 45270.
 * MatmulProbe best-of (1 thread, µs, float vs int8): Q8_0 decode 5632×2048 649 vs 850, prefill-32 2048×2048
 * 9778 vs 19164; Q4_0 decode 1220 vs 1028, prefill-32 17274 vs 12304 (an earlier Q4_0 float decode run: 728).
 * Re-checked on a 2-core Xeon with AVX-512 VNNI and two FMA ports (2026-12-06): int16 products are no
 * cheaper than float FMAs there either, and C2 does not auto-vectorize an int8/int16 dot-product reduction
 * (2 G multiply-adds/s, scalar speed, against 10.6 for the float Vector API loop), so VNNI stays out of reach.
 * <p><b>Measured decode figures</b> (MatmulProbe best of ≥30 runs, 5632×2048 matvec, 1 thread, 512-bit
 * lanes, Zen4, machine shared with other builds; before → after in the same run): F32 42.9 → 42.8 GB/s,
 * F16 28.9 → 28.1, BF16 38.1 → 39.5, Q8_0 19.5 → 21.4, Q4_0 8.1 → 10.3 (other runs up to 12.2), Q4_1 8.6,
 * Q5_0 7.0, Q5_1 7.4 (unchanged), Q4_K 3.5 → 5.2, Q5_K 1.1 → 5.8, Q6_K 3.4 → 6.7 GB/s of weights.
 * On the Xeon (1 thread, best of runs, in cache / weights far larger than cache): F32 28 / 12 GB/s, Q8_0
 * 11.4 / 5.7, Q4_0 7.8 / 5.3, Q4_K 3.9 / 3.2 (figures before the change below). Float types run at memory speed;
 * the quantized ones are bound by decode work (about 9-10 vector ops per 32 weights, see Q4_0Kernel), and from
 * memory they were bound by the L2 prefetcher: it follows one stream per 4 KiB page, so one short row at a time,
 * or four adjacent 1152-byte rows sharing pages, left it few lines in flight. (It looked as if arithmetic and
 * memory transfers added up instead of overlapping; software touches ahead and huge pages changed nothing.)
 * Decode now reads each thread's rows as eight segments side by side ({@link RowStreams}), four or
 * two rows at a time where a kernel shares activation loads between rows ({@link FloatRowKernel#dot1Rows4},
 * {@link FloatRowKernel#dot1Rows2}).
 * From memory, 1 thread, GB/s, before → after: Q4_0 5.9 → 11.8, Q8_0 6.9 → 12.5, Q4_K 5.9 → 8.5, BF16 9.2 → 12.5.
 * Q4_K, Q5_K and Q6_K read two rows at a time; written naively that passed C2's node budget and ran 2-7× slower
 * boxed (see Q6_KKernel.dot1Rows2). Q4_1, Q5_0 and Q5_1 read two rows at a time too (2 threads from memory: 12.8 → 17.5,
 * 10.4 → 17.2 and 10.3 → 15.1 GB/s). A kernel without a multi-row body reads its segments one row after another,
 * which already helps (Q4_K that way: 7.2).
 * Kernel bodies must stay small: past C2's inlining node budget the Vector API helpers are not inlined and every
 * vector is boxed (that made Q5_K 10× slower than Q4_K; writing Q4_K's four sub-block pairs out made it 6×
 * slower). Loops nested inside the block loop must not be counted loops C2 range-checks: it sets up their
 * bounds on every block (see Q4_KKernel.dot1; the K-quants ran 1.1-1.15× faster in cache without it).
 * <p>Against llama.cpp on the same Xeon (2026-12-06, same run, tinyllama shape, 2 threads, after the packed
 * prefill GEMM and eight-row tiles): with its sapphirerapids backend (AMX int8 tiles) the quantized types run at
 * 0.48-0.52× its prefill and 0.80-1.02× its decode; with that backend excluded (zen4: AVX-512 VNNI) at 0.84-1.48×
 * and 1.15-1.49×
 * ({@code whittle bench --vs-llama-cpp --llama-cpp-exclude sapphirerapids}; bench/kernel-benchmarks.md).
 * <p><b>Prefill</b> (from {@link DecodedRowGemm#MIN_TOKENS} tokens) decodes panels of rows to floats and runs
 * {@link PanelGemm}, for every dtype alike. On the Xeon, whose FMA peak measures 230 GFLOP/s per core (24
 * independent 512-bit FMA chains; 455 with both threads), at 128 tokens: the GEMM alone on one 48-row panel
 * 205-210 GFLOP/s median (90 %), a whole Q4_0 matmul with decoding (MatmulProbe 2048×2048, 2 threads) 330-357
 * (73-78 %), the whole tinyllama-shape model about 61 % (143 tok/s at pp128, attention, norms and weight reads
 * included). So the float path has little left to gain; llama.cpp's AMX int8 prefill runs about 2× faster on the
 * quantized types there.
 */
public final class Kernels {
    private static final Map<DType, LinearKernel> VECTOR = new EnumMap<>(DType.class);
    private static final Map<DType, LinearKernel> SCALAR = new EnumMap<>(DType.class);

    static {
        register(DType.F32, new F32Kernel(), F32Kernel::decodeScalar);
        register(DType.F16, new F16Kernel(), F16Kernel::decodeScalar);
        register(DType.BF16, new BF16Kernel(), BF16Kernel::decodeScalar);
        register(DType.Q8_0, new Q8_0Kernel(), Q8_0Kernel::decodeScalar);
        register(DType.Q4_0, new Q4_0Kernel(), Q4_0Kernel::decodeScalar);
        register(DType.Q4_1, new Q4_1Kernel(), Q4_1Kernel::decodeScalar);
        register(DType.Q5_0, new Q5_0Kernel(), Q5_0Kernel::decodeScalar);
        register(DType.Q5_1, new Q5_1Kernel(), Q5_1Kernel::decodeScalar);
        register(DType.Q4_K, new Q4_KKernel(), Q4_KKernel::decodeScalar);
        register(DType.Q5_K, new Q5_KKernel(), Q5_KKernel::decodeScalar);
        register(DType.Q6_K, new Q6_KKernel(), Q6_KKernel::decodeScalar);
    }

    private Kernels() {}

    private static void register(DType type, LinearKernel vector, BlockDecoder decoder) {
        VECTOR.put(type, vector);
        SCALAR.put(type, new ScalarKernel(type, decoder));
    }

    /** The vectorised kernel for weights of this dtype. */
    public static LinearKernel forType(DType type) {
        LinearKernel k = VECTOR.get(type);
        if (k == null) throw new IllegalArgumentException("no matmul kernel for weight type " + type);
        return k;
    }

    /** The scalar reference kernel for weights of this dtype. */
    public static LinearKernel scalar(DType type) {
        LinearKernel k = SCALAR.get(type);
        if (k == null) throw new IllegalArgumentException("no matmul kernel for weight type " + type);
        return k;
    }

    /**
     * Alternative kernels kept for measurement ("int8": Q8 activations and integer dot products, Q8_0/Q4_0);
     * {@link #forType} returns whichever measured faster.
     */
    public static LinearKernel variant(String name, DType type) {
        return switch (name) {
            case "int8" -> new Int8DotKernel(type);
            case "scalar" -> scalar(type);
            default -> throw new IllegalArgumentException("unknown kernel variant " + name);
        };
    }

    public static boolean isSupported(DType type) {
        return VECTOR.containsKey(type);
    }
}
