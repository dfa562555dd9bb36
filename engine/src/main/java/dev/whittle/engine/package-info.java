/**
 * whittle's inference engine: a transformer forward pass over weights kept in their mapped dtype.
 * <ul>
 *   <li>{@link dev.whittle.engine.InferenceModel#load(dev.whittle.core.model.Model, EngineOptions)} (or the
 *       overload taking a config and a canonical HF-named tensor map) builds a model for Llama 1/2/3, Mistral,
 *       Qwen2 and GPT-2;</li>
 *   <li>{@link dev.whittle.engine.InferenceModel#newSession()} gives a {@link dev.whittle.engine.Session} holding
 *       an F32 KV cache: {@code prefill(tokens)} (last logits), {@code prefillAll(tokens)} (all logits, flat
 *       [n × vocab]), {@code prefill(tokens, sink)} (all logits, streamed) and {@code decode(token)}.</li>
 * </ul>
 * Prefill and decode share one code path (decode is a batch of one); every output element is computed the
 * same way whatever the thread count, so results are thread-count independent bit for bit. Matmuls go
 * through {@link dev.whittle.engine.kernel.LinearKernel}s chosen in {@code KernelSelection}; element-wise
 * steps live in {@code ForwardVectorOps}.
 */
package dev.whittle.engine;
