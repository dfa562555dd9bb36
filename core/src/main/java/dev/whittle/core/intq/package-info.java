/**
 * whittle's group-wise integer weight formats (INT2/3/4/8, any group size or per-channel, symmetric or with zero
 * points), stored as compressed-tensors "pack-quantized" SafeTensors checkpoints — the layout vLLM and
 * llm-compressor read and write.
 * <h2>Checkpoint layout</h2>
 * config.json gains {@code quantization_config = {quant_method: "compressed-tensors", format: "pack-quantized",
 * config_groups: {group_0: {targets: ["Linear"], weights: {num_bits, type: "int", symmetric, strategy: "group" |
 * "channel", group_size}}}, ignore: ["lm_head"], quantization_status: "compressed"}}. Each quantized Linear
 * {@code X} has, instead of {@code X.weight}:
 * <ul>
 * <li>{@code X.weight_packed}: I32 [out, ceil(in / (32/b))]; column c of a row is code {@code c mod (32/b)} of word
 * {@code c / (32/b)}, at bits {@code b · (c mod (32/b))} (lowest bits first); codes are the signed values plus
 * 2^(b−1) (two's-complement offset), padding codes are 0;</li>
 * <li>{@code X.weight_scale}: [out, ceil(in / group)] (F16 by default; BF16/F32 read too);</li>
 * <li>{@code X.weight_zero_point} (asymmetric only): the signed zero points [out, groups], offset by 2^(b−1) the
 * same way and packed along dim 0 (rows): I32 [ceil(out / (32/b)), groups];</li>
 * <li>{@code X.weight_shape}: I64 [2] = [out, in].</li>
 * </ul>
 * Dequantization: {@code w = (q − zp) · scale}. Embeddings, norms and lm_head stay float.
 * <h2>API</h2>
 * {@link dev.whittle.core.intq.IntQuantizer} (RTN with compressed-tensors' min/max observer math),
 * {@link dev.whittle.core.intq.GroupedIntWeight} (one packed weight, zero-copy over the mapped tensors),
 * {@link dev.whittle.core.intq.IntExport} (writes a model), and on the reading side
 * {@link dev.whittle.core.model.Model#quantizedWeights()} / {@code quantizedWeight(name)}, built by
 * {@link dev.whittle.core.intq.GroupedIntWeights} from the raw parameter tensors (which stay visible in
 * {@code Model.tensors()} under their file names).
 */
package dev.whittle.core.intq;
