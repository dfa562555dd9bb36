package dev.whittle.core.model;

import dev.whittle.core.gguf.GgufValue;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code whittle inspect} reports about a model, as plain data (serialised to JSON as is; the schema is
 * documented in docs/inspect-json.md). Tied weights count once.
 */
public record ModelSummary(
        int schemaVersion,
        String path,
        String format,
        String architecture,
        ModelConfig config,
        long parameterCount,
        long weightBytes,
        double bitsPerWeight,
        List<DTypeShare> byDtype,
        List<TensorEntry> tensors,
        TokenizerInfo tokenizer,
        Map<String, String> metadata) {

    public static final int SCHEMA_VERSION = 1;

    public record DTypeShare(String dtype, long tensors, long parameters, long bytes, double bitsPerWeight) {}

    public record TensorEntry(String name, long[] shape, String dtype, long bytes) {}

    public record TokenizerInfo(String kind, int vocabSize, int bosId, int eosId) {}

    public static ModelSummary of(Model model) {
        List<TensorEntry> entries = new ArrayList<>();
        Map<DType, long[]> agg = new EnumMap<>(DType.class); // tensors, params, bytes
        long params = 0, bytes = 0;
        for (String name : model.tensorNames()) {
            Tensor t = model.tensor(name);
            entries.add(new TensorEntry(name, t.shape(), t.dtype().name(), t.byteSize()));
            long[] a = agg.computeIfAbsent(t.dtype(), d -> new long[3]);
            a[0]++;
            a[1] += t.elementCount();
            a[2] += t.byteSize();
            params += t.elementCount();
            bytes += t.byteSize();
        }
        List<DTypeShare> shares = new ArrayList<>();
        agg.forEach((d, a) -> shares.add(new DTypeShare(d.name(), a[0], a[1], a[2], a[1] == 0 ? 0 : 8.0 * a[2] / a[1])));
        TokenizerInfo tok = model.tokenizer().map(t -> new TokenizerInfo(t.kind(), t.vocabSize(), t.bosId(), t.eosId())).orElse(null);
        Map<String, String> meta = new LinkedHashMap<>();
        for (var e : model.ggufMetadata().entrySet()) {
            if (e.getKey().startsWith("tokenizer.ggml.") && e.getValue().isArray()) continue; // vocab arrays are summarised by `tokenizer`
            meta.put(e.getKey(), describe(e.getValue()));
        }
        return new ModelSummary(SCHEMA_VERSION, model.path() == null ? null : model.path().toString(), model.format().name().toLowerCase(),
                model.config().architecture().displayName(), model.config(), params, bytes, params == 0 ? 0 : 8.0 * bytes / params,
                shares, entries, tok, meta);
    }

    private static String describe(GgufValue v) {
        return v.isArray() ? v.elementType().name().toLowerCase() + "[" + v.asList().size() + "]" : String.valueOf(v.value());
    }
}
