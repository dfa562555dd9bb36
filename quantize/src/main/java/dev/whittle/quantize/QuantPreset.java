package dev.whittle.quantize;

import dev.whittle.core.tensor.DType;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A whole-file quantization type as llama-quantize names it: the default block type of the weight matrices and the
 * {@code general.file_type} (llama.cpp's {@code LLAMA_FTYPE_MOSTLY_*}) written into the file. The K_S / K_M mixes
 * raise some tensors to more bits (see {@link TensorTypePlan}).
 */
public enum QuantPreset {
    Q4_0(DType.Q4_0, 2),
    Q4_1(DType.Q4_1, 3),
    Q8_0(DType.Q8_0, 7),
    Q5_0(DType.Q5_0, 8),
    Q5_1(DType.Q5_1, 9),
    Q4_K_S(DType.Q4_K, 14),
    Q4_K_M(DType.Q4_K, 15),
    Q5_K_S(DType.Q5_K, 16),
    Q5_K_M(DType.Q5_K, 17),
    Q6_K(DType.Q6_K, 18);

    private final DType defaultType;
    private final int fileType;

    QuantPreset(DType defaultType, int fileType) {
        this.defaultType = defaultType;
        this.fileType = fileType;
    }

    /** The type weight matrices get unless a mix rule or a shape fallback says otherwise. */
    public DType defaultType() {
        return defaultType;
    }

    /** llama.cpp's {@code LLAMA_FTYPE} value for {@code general.file_type}. */
    public int fileType() {
        return fileType;
    }

    /** Parses "q4_0", "Q4_K_M", ...; IllegalArgumentException listing the known names otherwise. */
    public static QuantPreset parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--type " + s + ": unknown type; known: " + names());
        }
    }

    public static String names() {
        return Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }
}
