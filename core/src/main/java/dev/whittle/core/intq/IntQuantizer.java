package dev.whittle.core.intq;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Round-to-nearest group-wise integer quantization with the min/max observer math of compressed-tensors'
 * {@code calculate_qparams} and the {@code quantize} forward pass that llm-compressor applies to weights:
 * <ul>
 * <li>per group: min = min(0, min w), max = max(0, max w) (zero must stay representable);</li>
 * <li>symmetric: scale = max(|min|, |max|) / ((2^b − 1) / 2), zero point 0 — e.g. absmax / 127.5 for 8 bits,
 * absmax / 7.5 for 4 bits, so the most negative code −2^(b−1) is reachable and +absmax clamps to 2^(b−1)−1;</li>
 * <li>asymmetric: scale = (max − min) / (2^b − 1), zp = round(−2^(b−1) − min / scale) clamped to the range;</li>
 * <li>scales are clamped below by float32 epsilon, then rounded to the stored scale dtype, and the weights are
 * quantized with that stored scale so the file dequantizes to exactly what was measured;</li>
 * <li>q = clamp(round(w / scale + zp), −2^(b−1), 2^(b−1)−1) with round-half-to-even (torch.round).</li>
 * </ul>
 */
public final class IntQuantizer {
    private static final float EPS = Math.ulp(1.0f); // torch.finfo(torch.float32).eps

    private IntQuantizer() {}

    /** One quantized row: signed values, one scale (already rounded to the scale dtype) and zero point per group. */
    public record QuantizedRow(int[] values, float[] scales, int[] zeroPoints) {}

    /** Quantizes {@code row[from, from + cols)}. */
    public static QuantizedRow quantize(float[] row, int from, int cols, IntScheme scheme) {
        int g = scheme.groupLength(cols);
        int groups = scheme.groupCount(cols);
        int qmin = scheme.qmin(), qmax = scheme.qmax();
        int[] q = new int[cols];
        float[] scales = new float[groups];
        int[] zps = new int[groups];
        for (int k = 0; k < groups; k++) {
            int start = k * g, end = Math.min(cols, start + g);
            float min = 0f, max = 0f;
            for (int c = start; c < end; c++) {
                float v = row[from + c];
                if (!Float.isFinite(v)) throw new IllegalArgumentException("non-finite weight " + v + " at column " + c);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            float scale;
            int zp = 0;
            if (scheme.symmetric()) {
                scale = Math.max(Math.abs(min), Math.abs(max)) / ((float) (qmax - qmin) / 2f);
                scale = stored(Math.max(scale, EPS), scheme.scaleType());
            } else {
                scale = stored(Math.max((max - min) / (float) (qmax - qmin), EPS), scheme.scaleType());
                zp = (int) Math.rint(Math.clamp(qmin - min / scale, qmin, qmax));
            }
            scales[k] = scale;
            zps[k] = zp;
            for (int c = start; c < end; c++) {
                float v = row[from + c] / scale + zp;
                q[c] = (int) Math.rint(Math.clamp(v, qmin, qmax));
            }
        }
        return new QuantizedRow(q, scales, zps);
    }

    /** A float rounded to the scale dtype and back; fails if it does not fit. */
    static float stored(float scale, DType type) {
        float s = switch (type) {
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(scale));
            case BF16 -> Float.intBitsToFloat(bf16Bits(scale) << 16);
            default -> scale;
        };
        if (!Float.isFinite(s)) throw new IllegalArgumentException("scale " + scale + " overflows " + type);
        // below the smallest subnormal the stored scale would be 0: keep the smallest positive one instead
        if (s == 0f) s = type == DType.F16 ? Float.float16ToFloat((short) 1) : Float.MIN_VALUE;
        return s;
    }

    /** BF16 bits of a float, rounding to nearest even (as torch's .to(bfloat16)). */
    static int bf16Bits(float f) {
        int b = Float.floatToRawIntBits(f);
        return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
    }

    /**
     * Quantizes a whole [rows, cols] weight (any float or GGUF dtype, decoded row by row) into a
     * {@link GroupedIntWeight} whose buffers live in {@code arena}.
     */
    public static GroupedIntWeight quantize(Tensor weight, IntScheme scheme, Arena arena) {
        if (weight.rank() != 2) throw new IllegalArgumentException(weight.name() + ": only 2-D weights can be quantized, shape " + java.util.Arrays.toString(weight.shape()));
        int rows = Math.toIntExact(weight.dim(0)), cols = Math.toIntExact(weight.dim(1));
        return quantize(weight.name(), rows, cols, (r, dst) -> Dequantizer.dequantizeRow(weight, r, dst), scheme, arena);
    }

    /** Rows supplied one at a time (so a caller can stream or transform them). */
    public interface RowReader {
        void read(int row, float[] dst);
    }

    public static GroupedIntWeight quantize(String name, int rows, int cols, RowReader reader, IntScheme scheme, Arena arena) {
        int bits = scheme.bits();
        int groups = scheme.groupCount(cols);
        int words = IntPacking.wordsFor(cols, bits);
        MemorySegment packed = arena.allocate(4L * rows * words, 4);
        MemorySegment scales = arena.allocate(scheme.scaleType().byteSize((long) rows * groups), 4);
        int[] zp = scheme.symmetric() ? null : new int[rows * groups];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            reader.read(r, row);
            QuantizedRow qr = quantize(row, 0, cols, scheme);
            int[] w = IntPacking.pack(qr.values(), 0, cols, bits);
            MemorySegment.copy(w, 0, packed, GroupedIntWeight.I32, 4L * r * words, words);
            for (int k = 0; k < groups; k++) {
                long i = (long) r * groups + k;
                switch (scheme.scaleType()) {
                    case F16 -> scales.set(GroupedIntWeight.I16, 2 * i, Float.floatToFloat16(qr.scales()[k]));
                    case BF16 -> scales.set(GroupedIntWeight.I16, 2 * i, (short) bf16Bits(qr.scales()[k]));
                    default -> scales.set(GroupedIntWeight.F32, 4 * i, qr.scales()[k]);
                }
                if (zp != null) zp[r * groups + k] = qr.zeroPoints()[k];
            }
        }
        MemorySegment zeros = zp == null ? null : packZeroPoints(zp, rows, groups, bits, arena);
        int g = scheme.groupLength(cols);
        return new GroupedIntWeight(name, rows, cols, bits, g, scheme.symmetric(), packed, scales, scheme.scaleType(), zeros);
    }

    /**
     * Packs already chosen codes into a {@link GroupedIntWeight}: {@code values} signed [rows, cols] row-major,
     * {@code scales} [rows, groups] (already representable in the scheme's scale dtype), {@code zeroPoints} signed
     * [rows, groups] (ignored when symmetric). Used by quantizers that pick codes themselves (GPTQ).
     */
    public static GroupedIntWeight assemble(String name, int rows, int cols, IntScheme scheme, int[] values, float[] scales,
                                            int[] zeroPoints, Arena arena) {
        int bits = scheme.bits();
        int groups = scheme.groupCount(cols);
        if (values.length != rows * cols || scales.length != rows * groups)
            throw new IllegalArgumentException(name + ": " + values.length + " values / " + scales.length + " scales for " + rows + "x" + cols + " in " + groups + " groups");
        int words = IntPacking.wordsFor(cols, bits);
        MemorySegment packed = arena.allocate(4L * rows * words, 4);
        MemorySegment sc = arena.allocate(scheme.scaleType().byteSize((long) rows * groups), 4);
        for (int r = 0; r < rows; r++) {
            for (int c = r * cols, end = c + cols; c < end; c++)
                if (values[c] < scheme.qmin() || values[c] > scheme.qmax())
                    throw new IllegalArgumentException(name + ": value " + values[c] + " outside int" + bits);
            int[] w = IntPacking.pack(values, r * cols, cols, bits);
            MemorySegment.copy(w, 0, packed, GroupedIntWeight.I32, 4L * r * words, words);
        }
        for (int i = 0; i < rows * groups; i++) {
            switch (scheme.scaleType()) {
                case F16 -> sc.set(GroupedIntWeight.I16, 2L * i, Float.floatToFloat16(scales[i]));
                case BF16 -> sc.set(GroupedIntWeight.I16, 2L * i, (short) bf16Bits(scales[i]));
                default -> sc.set(GroupedIntWeight.F32, 4L * i, scales[i]);
            }
        }
        MemorySegment zeros = scheme.symmetric() ? null : packZeroPoints(zeroPoints, rows, groups, bits, arena);
        return new GroupedIntWeight(name, rows, cols, bits, scheme.groupLength(cols), scheme.symmetric(), packed, sc, scheme.scaleType(), zeros);
    }

    /** A scale as the scheme's scale dtype stores it (public for quantizers that fit their own scales). */
    public static float storedScale(float scale, IntScheme scheme) {
        return stored(Math.max(scale, EPS), scheme.scaleType());
    }

    /** Zero points [rows, groups] packed along rows into int32 [ceil(rows / (32/b)), groups]. */
    static MemorySegment packZeroPoints(int[] zp, int rows, int groups, int bits, Arena arena) {
        int pf = 32 / bits;
        int wordRows = IntPacking.wordsFor(rows, bits);
        int[] words = new int[wordRows * groups];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < groups; k++)
                words[(r / pf) * groups + k] |= (zp[r * groups + k] + IntPacking.offset(bits)) << (bits * (r % pf));
        MemorySegment seg = arena.allocate(4L * words.length, 4);
        MemorySegment.copy(words, 0, seg, GroupedIntWeight.I32, 0, words.length);
        return seg;
    }
}
