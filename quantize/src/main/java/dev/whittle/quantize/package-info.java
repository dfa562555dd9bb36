/**
 * Quantization of whole models into standard GGUF block types (what {@code whittle quantize} runs).
 * <ul>
 *   <li>{@link dev.whittle.quantize.ModelQuantizer#quantize} — a {@code Model} in, a GGUF file out (llama.cpp's tensor
 *       order, Q/K rows interleaved, {@code general.file_type} of the preset, {@code general.quantization_version} 2,
 *       tokenizer), with a {@link dev.whittle.quantize.QuantizationReport} of per-tensor types and relative output
 *       errors.</li>
 *   <li>{@link dev.whittle.quantize.QuantPreset} — q4_0 ... q8_0 and llama.cpp's k-quant mixes;
 *       {@link dev.whittle.quantize.TensorTypePlan} — llama-quant.cpp's per-tensor type rules and shape fallbacks.</li>
 *   <li>{@link dev.whittle.quantize.QuantMethod} — RTN (ggml's reference quantizers, byte-identical), GPTQ
 *       ({@link dev.whittle.quantize.Gptq}: Hessian error feedback onto the target format's own grid, so the file stays a
 *       standard GGUF), AWQ (activation-aware scales folded into the preceding norm/linear, clip search, then RTN or
 *       GPTQ).</li>
 * </ul>
 * Calibrated methods stream one decoder layer at a time: calibration activations enter a layer, the layer is
 * quantized (true-sequentially for GPTQ), written, and the activations continue through the quantized layer.
 */
package dev.whittle.quantize;
