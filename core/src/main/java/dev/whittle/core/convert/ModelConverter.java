package dev.whittle.core.convert;

import dev.whittle.core.gguf.GgufValue;
import dev.whittle.core.model.Model;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tokenizer.TokenizerConversion;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code whittle convert}: a model in, the same model in another format (and optionally another float type) out. */
public final class ModelConverter {
    public enum Target {
        GGUF, SAFETENSORS;

        public static Target parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "gguf" -> GGUF;
                case "safetensors", "hf" -> SAFETENSORS;
                default -> throw new IllegalArgumentException("--to " + s + ": expected gguf or safetensors");
            };
        }
    }

    private ModelConverter() {}

    public static void convert(Model model, Path out, Target to, DType type, Progress progress) throws IOException {
        if (type != null && !TensorEncoder.canEncode(type))
            throw new IllegalArgumentException("--type " + type.name().toLowerCase(Locale.ROOT) + ": convert writes f32, f16, bf16 or a GGUF block type (q8_0, q4_0, q4_1, q5_0, q5_1, q2_k..q6_k)");
        if (type != null && type.isBlockQuantized() && to == Target.SAFETENSORS)
            throw new IllegalArgumentException("--type " + type.name().toLowerCase(Locale.ROOT) + ": GGUF block types need --to gguf (SafeTensors output uses `whittle quantize`)");
        switch (to) {
            case GGUF -> GgufExport.write(model, out, GgufExport.floatTypeRule(type),
                    GgufExport.fileTypeFor(type == null ? dominantType(model) : type), tokenizerForGguf(model), progress);
            case SAFETENSORS -> HfExport.write(model, out, type, progress);
        }
    }

    /** The tokenizer.ggml.* keys: copied from a GGUF source, or converted from a HF directory's tokenizer.json. */
    public static Map<String, GgufValue> tokenizerForGguf(Model model) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        model.ggufMetadata().forEach((k, v) -> {
            if (k.startsWith("tokenizer.")) m.put(k, v);
        });
        if (m.isEmpty() && model.format() == dev.whittle.core.model.ModelFormat.SAFETENSORS && model.path() != null) {
            Path dir = java.nio.file.Files.isDirectory(model.path()) ? model.path() : model.path().toAbsolutePath().getParent();
            if (java.nio.file.Files.isRegularFile(dir.resolve("tokenizer.json"))) m.putAll(TokenizerConversion.hfDirectoryToGguf(dir));
        }
        return m;
    }

    /** The type most weight bytes have (for general.file_type when the type is kept). */
    static DType dominantType(Model model) {
        Map<DType, Long> bytes = new LinkedHashMap<>();
        for (String n : model.tensorNames()) {
            var t = model.tensor(n);
            if (t.rank() >= 2) bytes.merge(t.dtype(), t.byteSize(), Long::sum);
        }
        return bytes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(DType.F32);
    }
}
