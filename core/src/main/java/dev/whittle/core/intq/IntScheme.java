package dev.whittle.core.intq;

import dev.whittle.core.tensor.DType;

/**
 * One group-wise integer weight scheme: bits per weight, group size along the input dimension (0 means one group per
 * row, compressed-tensors' "channel" strategy), symmetric or with zero points, and the dtype scales are stored in.
 * A group size that does not divide a row leaves a shorter last group, as compressed-tensors does (ceil groups).
 */
public record IntScheme(int bits, int groupSize, boolean symmetric, DType scaleType) {
    public IntScheme {
        IntPacking.checkBits(bits);
        if (groupSize < 0) throw new IllegalArgumentException("group size must be positive (or 0 for per-channel), got " + groupSize);
        if (scaleType != DType.F16 && scaleType != DType.BF16 && scaleType != DType.F32)
            throw new IllegalArgumentException("scales must be F16, BF16 or F32, got " + scaleType);
    }

    /** F16 scales, the default. */
    public static IntScheme of(int bits, int groupSize, boolean symmetric) {
        return new IntScheme(bits, groupSize, symmetric, DType.F16);
    }

    public boolean perChannel() {
        return groupSize == 0;
    }

    /** The group length actually used for rows of {@code cols}. */
    public int groupLength(int cols) {
        return groupSize == 0 ? cols : groupSize;
    }

    public int groupCount(int cols) {
        int g = groupLength(cols);
        return (cols + g - 1) / g;
    }

    /** Smallest signed quantized value, −2^(b−1). */
    public int qmin() {
        return -(1 << (bits - 1));
    }

    /** Largest signed quantized value, 2^(b−1) − 1. */
    public int qmax() {
        return (1 << (bits - 1)) - 1;
    }

    /** A short label: "int4-g32-sym", "int8-channel-asym". */
    public String label() {
        return "int" + bits + "-" + (perChannel() ? "channel" : "g" + groupSize) + (symmetric ? "-sym" : "-asym");
    }
}
