package dev.whittle.bench;

import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * What a benchmark report says about the model: its name, its dominant dtype, its size and parameter count, and
 * the bytes of weights one decoded token reads (what bounds decode speed on a memory-bound machine).
 *
 * @param filename            the model path as given (llama-bench's {@code model_filename})
 * @param label               file name and dominant dtype, e.g. {@code tinyllama.gguf F16} (the table's model column)
 * @param dominantDtype       the dtype holding the most parameters
 * @param sizeBytes           bytes of all tensors
 * @param parameters          elements of all tensors
 * @param decodeBytesPerToken bytes of weights a single-token decode reads: every tensor except embedding tables,
 *                            of which only one row is read (unless the table doubles as the tied output head)
 */
public record ModelFacts(String filename, String label, DType dominantDtype, long sizeBytes, long parameters,
                         long decodeBytesPerToken) {

    /** Embedding tables looked up by row, under HF names (GPT-2 HF checkpoints may prefix {@code transformer.}). */
    private static final Set<String> LOOKUP_TABLES = Set.of("model.embed_tokens.weight", "wte.weight", "wpe.weight",
            "transformer.wte.weight", "transformer.wpe.weight");
    private static final Set<String> TIED_HEADS = Set.of("model.embed_tokens.weight", "wte.weight", "transformer.wte.weight");

    /**
     * @param filename the model path as the user gave it
     * @param shortName the file or directory name shown in the table
     */
    public static ModelFacts of(String filename, String shortName, ModelConfig config, Map<String, Tensor> tensors) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("model " + filename + " has no tensors");
        Map<DType, Long> paramsByType = new EnumMap<>(DType.class);
        long bytes = 0, params = 0, lookupBytes = 0;
        boolean tiedHead = config.tieWordEmbeddings() && !tensors.containsKey("lm_head.weight");
        for (Tensor t : tensors.values()) {
            bytes += t.byteSize();
            params += t.elementCount();
            paramsByType.merge(t.dtype(), t.elementCount(), Long::sum);
            boolean readsWhole = !LOOKUP_TABLES.contains(t.name()) || (tiedHead && TIED_HEADS.contains(t.name()));
            if (!readsWhole) lookupBytes += t.byteSize();
        }
        DType dominant = paramsByType.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        return new ModelFacts(filename, shortName + " " + dominant.name(), dominant, bytes, params, bytes - lookupBytes);
    }
}
