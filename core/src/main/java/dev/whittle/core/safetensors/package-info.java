/**
 * SafeTensors, HuggingFace's weight format: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape (outermost first) and byte range, then the tensor bytes.
 * <ul>
 *   <li>{@link dev.whittle.core.safetensors.SafeTensorsFile}: one file, memory-mapped and fully validated.</li>
 *   <li>{@link dev.whittle.core.safetensors.SafeTensorsModel}: one file or the shards of a
 *       {@code model.safetensors.index.json}, as one name-to-tensor view.</li>
 *   <li>{@link dev.whittle.core.safetensors.SafeTensorsWriter}: atomic, streaming writes in the reference layout,
 *       optionally sharded; tensors come from {@link dev.whittle.core.tensor.TensorSource}s.</li>
 * </ul>
 */
package dev.whittle.core.safetensors;
