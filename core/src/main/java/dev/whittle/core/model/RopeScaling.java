package dev.whittle.core.model;

/**
 * HF {@code rope_scaling}. Types: "none", "linear" (positions divided by factor) and "llama3"
 * (frequency-dependent scaling with low/high frequency factors over the original context).
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositionEmbeddings) {
    public static final RopeScaling NONE = new RopeScaling("none", 1.0, 1.0, 1.0, 0);

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isNone() { return "none".equals(type); }
}
