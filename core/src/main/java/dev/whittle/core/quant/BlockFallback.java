package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;

/**
 * What llama-quantize writes when a tensor's rows do not divide the requested block (llama-quant.cpp, "tensor
 * cols not divisible by"): Q4_K → Q5_0, Q5_K → Q5_1, Q6_K → Q8_0, Q2_K/Q3_K → IQ4_NL (whittle has no IQ4_NL, so
 * Q4_0, the same 4.5 bits per weight), and F16 if even that block does not divide the row.
 */
public final class BlockFallback {
    private BlockFallback() {}

    public static DType forRow(DType requested, long rowLength) {
        if (rowLength % requested.blockSize() == 0) return requested;
        DType f = switch (requested) {
            case Q2_K, Q3_K -> DType.Q4_0;
            case Q4_K -> DType.Q5_0;
            case Q5_K -> DType.Q5_1;
            case Q6_K -> DType.Q8_0;
            default -> DType.F16;
        };
        return rowLength % f.blockSize() == 0 ? f : DType.F16;
    }
}
