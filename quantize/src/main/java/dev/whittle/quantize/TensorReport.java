package dev.whittle.quantize;

import dev.whittle.core.tensor.DType;

/**
 * What happened to one tensor.
 *
 * @param name             GGUF name
 * @param type             the type written
 * @param how              "rtn", "gptq", "awq+rtn", "awq+gptq", "f32" (kept), or a fallback note
 * @param relativeOutputMse ||WX − ŴX||² / ||WX||² over the calibration inputs of that layer (NaN without calibration)
 */
public record TensorReport(String name, DType type, String how, double relativeOutputMse) {}
