package dev.whittle.cli.recipe;

import java.util.List;

/**
 * One transformation of a variant's model. {@link #canonical()} is the step's complete configuration with
 * defaults applied, in a fixed order: the part of a variant's inputs hash that the step contributes.
 */
public sealed interface Step permits Step.Convert, Step.Quantize {
    /** Step kinds a recipe may name. */
    List<String> KINDS = List.of("convert", "quantize");
    /** Kinds that are planned but not implemented yet. */
    List<String> PLANNED = List.of("prune", "distill");

    String canonical();

    /** {@code convert} to a float type (f32, f16, bf16), GGUF out. */
    record Convert(String type) implements Step {
        public static final List<String> TYPES = List.of("f32", "f16", "bf16");

        @Override
        public String canonical() {
            return "convert(type=" + type + ")";
        }
    }

    /**
     * {@code quantize} with a method and a llama.cpp file type; {@code groupSize} is the type's own group
     * (validated, informational); {@code actOrder} applies to GPTQ only.
     */
    record Quantize(String method, String type, int groupSize, boolean actOrder, Calibration calibration) implements Step {
        public static final List<String> METHODS = List.of("rtn", "gptq", "awq");
        public static final List<String> TYPES = List.of("q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q4_k_s", "q4_k_m", "q5_k_s", "q5_k_m", "q6_k");

        /** The weights per scale each type uses (K-quants: their sub-block). */
        public static int groupSizeOf(String type) {
            return type.equals("q6_k") ? 16 : 32;
        }

        public boolean calibrated() {
            return !method.equals("rtn");
        }

        @Override
        public String canonical() {
            return "quantize(method=" + method + ",type=" + type + ",group_size=" + groupSize + ",act_order=" + actOrder
                    + (calibrated() && calibration != null ? ",calibration=" + calibration.canonical() : "") + ")";
        }
    }
}
