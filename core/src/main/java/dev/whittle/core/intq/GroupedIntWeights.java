package dev.whittle.core.intq;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The grouped-int weights of a checkpoint, assembled from its compressed-tensors parameter tensors
 * ({@code X.weight_packed}, {@code X.weight_scale}, {@code X.weight_shape}, optional {@code X.weight_zero_point}) and
 * keyed by the plain weight name {@code X.weight}. All views are zero-copy: the packed words, scales and zero points
 * stay in the mapped file.
 * <p>
 * Bits come from the quantization_config when one is known; otherwise they are inferred from the packed width,
 * among 8, 4 and 2 bits (3-bit checkpoints need the config). Group size is scales' width; symmetric means no zero points.
 */
public final class GroupedIntWeights {
    public static final String PACKED = ".weight_packed";
    public static final String SCALE = ".weight_scale";
    public static final String ZERO_POINT = ".weight_zero_point";
    public static final String SHAPE = ".weight_shape";
    public static final String G_IDX = ".weight_g_idx";

    private GroupedIntWeights() {}

    /** Every grouped weight in {@code tensors}; {@code config} may be null; {@code source} is named in errors. */
    public static Map<String, GroupedIntWeight> find(Map<String, Tensor> tensors, CompressedTensorsConfig config, Path source) {
        Map<String, GroupedIntWeight> out = new LinkedHashMap<>();
        for (String name : tensors.keySet()) {
            if (!name.endsWith(PACKED)) continue;
            String stem = name.substring(0, name.length() - PACKED.length());
            out.put(stem + ".weight", assemble(stem, tensors, config, source));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Whether a tensor is one of the compressed-tensors parameters (not a weight of its own). */
    public static boolean isParameterTensor(String name) {
        return name.endsWith(PACKED) || name.endsWith(SCALE) || name.endsWith(ZERO_POINT) || name.endsWith(SHAPE) || name.endsWith(G_IDX);
    }

    static GroupedIntWeight assemble(String stem, Map<String, Tensor> tensors, CompressedTensorsConfig config, Path source) {
        Tensor packed = tensors.get(stem + PACKED);
        Tensor scale = need(tensors, stem + SCALE, source);
        Tensor shape = need(tensors, stem + SHAPE, source);
        Tensor zp = tensors.get(stem + ZERO_POINT);
        if (tensors.containsKey(stem + G_IDX))
            throw new ModelFormatException(source, "tensor " + stem + G_IDX + ": activation-order group indices are not supported");
        if (packed.dtype() != DType.I32 || packed.rank() != 2)
            throw new ModelFormatException(source, "tensor " + packed.name() + " must be 2-D I32, is " + packed.dtype() + Arrays.toString(packed.shape()));
        long[] dims = shapeValues(shape, source);
        if (dims[0] <= 0 || dims[1] <= 0 || dims[0] > Integer.MAX_VALUE || dims[1] > Integer.MAX_VALUE)
            throw new ModelFormatException(source, "tensor " + shape.name() + " holds an invalid shape " + Arrays.toString(dims));
        int rows = (int) dims[0], cols = (int) dims[1];
        if (packed.dim(0) != rows)
            throw new ModelFormatException(source, "tensor " + packed.name() + " has " + packed.dim(0) + " rows, weight_shape says " + rows);
        int bits = config != null ? config.scheme().bits() : inferBits(cols, packed.dim(1), packed.name(), source);
        if (packed.dim(1) != IntPacking.wordsFor(cols, bits))
            throw new ModelFormatException(source, "tensor " + packed.name() + " has " + packed.dim(1) + " words per row, " + bits + "-bit rows of " + cols + " need " + IntPacking.wordsFor(cols, bits));
        DType st = scale.dtype();
        if (st != DType.F16 && st != DType.BF16 && st != DType.F32)
            throw new ModelFormatException(source, "tensor " + scale.name() + " has dtype " + st + "; scales must be F16, BF16 or F32");
        if (scale.rank() != 2 || scale.dim(0) != rows || scale.dim(1) <= 0 || scale.dim(1) > cols)
            throw new ModelFormatException(source, "tensor " + scale.name() + " has shape " + Arrays.toString(scale.shape()) + ", expected [" + rows + ", groups]");
        int groups = (int) scale.dim(1);
        if (config != null && config.scheme().perChannel() && groups != 1)
            throw new ModelFormatException(source, "tensor " + scale.name() + " has " + groups + " groups but the config says per-channel");
        int groupSize = groups == 1 ? cols : (config != null && !config.scheme().perChannel() ? config.scheme().groupSize() : (cols + groups - 1) / groups);
        if ((cols + groupSize - 1) / groupSize != groups)
            throw new ModelFormatException(source, "tensor " + scale.name() + " has " + groups + " groups, rows of " + cols + " in groups of " + groupSize + " need " + (cols + groupSize - 1) / groupSize);
        boolean symmetric = zp == null;
        if (config != null && config.scheme().symmetric() != symmetric)
            throw new ModelFormatException(source, "tensor " + stem + ZERO_POINT + (symmetric ? " is missing but" : " is present but") + " the config says symmetric: " + config.scheme().symmetric());
        if (zp != null && (zp.dtype() != DType.I32 || zp.rank() != 2 || zp.dim(0) != IntPacking.wordsFor(rows, bits) || zp.dim(1) != groups))
            throw new ModelFormatException(source, "tensor " + zp.name() + " is " + zp.dtype() + Arrays.toString(zp.shape()) + ", expected I32[" + IntPacking.wordsFor(rows, bits) + ", " + groups + "] (zero points packed along rows)");
        try {
            return new GroupedIntWeight(stem + ".weight", rows, cols, bits, groupSize, symmetric, packed.data(), scale.data(), st, zp == null ? null : zp.data());
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(source, e.getMessage());
        }
    }

    private static Tensor need(Map<String, Tensor> tensors, String name, Path source) {
        Tensor t = tensors.get(name);
        if (t == null) throw new ModelFormatException(source, "missing tensor " + name + " (compressed-tensors pack-quantized weights need it)");
        return t;
    }

    private static long[] shapeValues(Tensor shape, Path source) {
        if (shape.elementCount() != 2 || (shape.dtype() != DType.I64 && shape.dtype() != DType.I32))
            throw new ModelFormatException(source, "tensor " + shape.name() + " must hold 2 integers (I32 or I64), is " + shape.dtype() + Arrays.toString(shape.shape()));
        long[] v = new long[2];
        for (int i = 0; i < 2; i++)
            v[i] = shape.dtype() == DType.I64 ? shape.data().get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 8L * i)
                    : shape.data().get(GroupedIntWeight.I32, 4L * i);
        return v;
    }

    private static int inferBits(int cols, long words, String name, Path source) {
        int found = -1;
        for (int b : new int[] {8, 4, 2}) { // 3-bit (10 codes a word) needs the config: it collides with 4-bit widths
            if (IntPacking.wordsFor(cols, b) != words) continue;
            if (found >= 0) throw new ModelFormatException(source, "tensor " + name + ": bits per weight are ambiguous (" + found + " or " + b + ") without a quantization_config");
            found = b;
        }
        if (found < 0) throw new ModelFormatException(source, "tensor " + name + " has " + words + " words per row, which fits no bit width for rows of " + cols);
        return found;
    }

    /**
     * The grouped weights of a loaded model, checked against the quantization_config in the config.json beside its
     * weights (if any).
     */
    public static Map<String, GroupedIntWeight> of(dev.whittle.core.model.Model model) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (String n : model.tensorNames()) if (isParameterTensor(n)) params.put(n, model.tensor(n));
        if (params.isEmpty()) return Map.of();
        CompressedTensorsConfig config = null;
        Path p = model.path();
        if (p != null) {
            Path dir = java.nio.file.Files.isDirectory(p) ? p : p.toAbsolutePath().getParent();
            config = CompressedTensorsConfig.read(dir.resolve("config.json")).orElse(null);
        }
        return find(params, config, p);
    }

    /** Convenience: the grouped weight named {@code weightName} ({@code X.weight}), if present. */
    public static Optional<GroupedIntWeight> find(Map<String, Tensor> tensors, String weightName, CompressedTensorsConfig config, Path source) {
        if (!weightName.endsWith(".weight")) return Optional.empty();
        String stem = weightName.substring(0, weightName.length() - ".weight".length());
        if (!tensors.containsKey(stem + PACKED)) return Optional.empty();
        return Optional.of(assemble(stem, tensors, config, source));
    }
}
