package dev.whittle.core.convert;

import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.ModelFormat;
import dev.whittle.core.model.TensorNaming;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.safetensors.SafeTensorsWriter;
import dev.whittle.core.tensor.TensorSource;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import dev.whittle.core.tensor.Transpose;
import dev.whittle.core.tokenizer.TokenizerConversion;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link Model} as a HuggingFace directory: config.json, model.safetensors (sharded above 5 GB per
 * shard, as transformers does), tokenizer.json + tokenizer_config.json + special_tokens_map.json, and
 * generation_config.json. GPT-2's Conv1D weights go back to HF's [in, out] layout. Block-quantized tensors are
 * decoded to F32 (or the requested float type), since SafeTensors has no GGUF block types.
 * <p>
 * The directory is built under a temporary name beside the target and renamed into place when complete, so an
 * interrupted conversion leaves no partial model.
 */
public final class HfExport {
    static final long MAX_SHARD_BYTES = 5L << 30;

    private HfExport() {}

    public static void write(Model model, Path targetDir, DType type, Progress progress) throws IOException {
        Path target = targetDir.toAbsolutePath();
        AtomicDirectory.write(target, tmp -> fill(model, tmp, target.getFileName().toString(), type, progress));
        progress.finish(model.tensorNames().size() + " tensors written to " + target);
    }

    /** Writes the model's files into {@code dir}. */
    private static void fill(Model model, Path dir, String label, DType type, Progress progress) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            ModelConfig cfg = model.config();
            List<String> names = model.tensorNames();
            List<TensorSource> sources = new ArrayList<>();
            int[] done = {0};
            progress.start("writing " + label, names.size());
            for (String name : names) {
                Tensor src = model.tensor(name);
                DType out = outputType(src.dtype(), type);
                boolean conv1d = cfg.architecture() == Architecture.GPT2 && TensorNaming.isGpt2Conv1dWeight(name);
                long[] shape = conv1d ? new long[] {src.dim(1), src.dim(0)} : src.shape();
                sources.add(new TensorSource() {
                    @Override public String name() { return name; }
                    @Override public long[] shape() { return shape.clone(); }
                    @Override public DType dtype() { return out; }
                    @Override public void writeTo(WritableByteChannel ch) throws IOException {
                        Tensor t = conv1d ? Transpose.of(src, arena) : src;
                        TensorEncoder.write(t, out, ch);
                        progress.advance(++done[0], name);
                    }
                });
            }
            new SafeTensorsWriter().metadata(java.util.Map.of("format", "pt"))
                    .writeSharded(dir, sources, MAX_SHARD_BYTES);
            String torchDtype = switch (dominant(sources)) {
                case F16 -> "float16";
                case BF16 -> "bfloat16";
                default -> "float32";
            };
            Files.writeString(dir.resolve("config.json"), HfConfigWriter.toJsonString(cfg, torchDtype));
            Files.writeString(dir.resolve("generation_config.json"), generationConfig(cfg));
            writeTokenizer(model, dir);
        }
    }

    private static DType outputType(DType source, DType requested) {
        if (requested != null) return requested;
        return source == DType.F32 || source == DType.F16 || source == DType.BF16 ? source : DType.F32;
    }

    private static DType dominant(List<TensorSource> sources) {
        return sources.stream().filter(s -> s.shape().length >= 2)
                .collect(java.util.stream.Collectors.groupingBy(TensorSource::dtype, java.util.stream.Collectors.summingLong(TensorSource::byteSize)))
                .entrySet().stream().max(java.util.Map.Entry.comparingByValue()).map(java.util.Map.Entry::getKey).orElse(DType.F32);
    }

    /** Copies or converts the model's tokenizer files into {@code dir} (shared with {@link dev.whittle.core.intq.IntExport}). */
    public static void writeTokenizer(Model model, Path dir) throws IOException {
        if (model.format() == ModelFormat.SAFETENSORS && model.path() != null) {
            Path srcDir = Files.isDirectory(model.path()) ? model.path() : model.path().toAbsolutePath().getParent();
            for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model"))
                if (Files.isRegularFile(srcDir.resolve(f))) Files.copy(srcDir.resolve(f), dir.resolve(f));
            return;
        }
        if (model.ggufMetadata().containsKey("tokenizer.ggml.model")) {
            TokenizerConversion.HfTokenizerFiles files = TokenizerConversion.ggufToHf(model.path(), model.ggufMetadata());
            Files.writeString(dir.resolve("tokenizer.json"), files.tokenizerJson());
            Files.writeString(dir.resolve("tokenizer_config.json"), files.tokenizerConfigJson());
            Files.writeString(dir.resolve("special_tokens_map.json"), files.specialTokensMapJson());
        }
    }

    public static String generationConfig(ModelConfig c) {
        StringBuilder sb = new StringBuilder("{\n");
        if (c.bosTokenId() >= 0) sb.append("  \"bos_token_id\": ").append(c.bosTokenId()).append(",\n");
        if (c.eosTokenId() >= 0) sb.append("  \"eos_token_id\": ").append(c.eosTokenId()).append(",\n");
        sb.append("  \"_from_model_config\": true\n}\n");
        return sb.toString();
    }

    static String lower(DType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }
}
