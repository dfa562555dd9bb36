package dev.whittle.quantize;

import java.util.List;

/**
 * The outcome of a quantization run.
 *
 * @param tensors   one entry per tensor, in file order
 * @param fallbacks tensors whose shape forced a different type than the mix asked for (llama-quantize's warnings)
 * @param notes     other warnings (for example GPTQ falling back to RTN for a type it has no grid for)
 */
public record QuantizationReport(QuantizeOptions options, List<TensorReport> tensors, List<String> fallbacks, List<String> notes) {
    public QuantizationReport {
        tensors = List.copyOf(tensors);
        fallbacks = List.copyOf(fallbacks);
        notes = List.copyOf(notes);
    }
}
