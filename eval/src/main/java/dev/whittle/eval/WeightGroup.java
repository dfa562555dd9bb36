package dev.whittle.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * All weights of one dtype in a model: how many parameters and how many bytes they take on disk and in
 * memory (block scales included), e.g. {@code ("Q4_K", 6.7e9, 3.8e9)}.
 */
public record WeightGroup(String dtype, long params, long bytes) {
    public WeightGroup {
        if (params < 0 || bytes < 0) {
            throw new IllegalArgumentException("negative size for " + dtype + ": " + params + " params, " + bytes + " bytes");
        }
    }

    /** {@code 8·bytes/params}; e.g. 4.5 for Q4_K. */
    @JsonProperty("bits_per_weight")
    public double bitsPerWeight() {
        return params == 0 ? 0 : 8.0 * bytes / params;
    }
}
