package dev.whittle.core.convert;

import dev.whittle.core.tensor.TensorSource;
import dev.whittle.core.gguf.GgufValue;
import dev.whittle.core.gguf.GgufWriter;
import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.QkPermutation;
import dev.whittle.core.model.TensorNaming;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.quant.BlockFallback;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongUnaryOperator;

/**
 * Writes a {@link Model} as a GGUF file llama.cpp loads: GGUF tensor names and order, Q/K rows interleaved,
 * {@code general.*}/{@code ARCH.*} metadata from the config, {@code tokenizer.ggml.*} from the source GGUF or
 * converted from tokenizer.json. Tensors are streamed row by row; memory stays at one row.
 */
public final class GgufExport {
    private GgufExport() {}

    /**
     * @param typeFor the dtype each output tensor gets (given the canonical name and the source tensor);
     *                see {@link #floatTypeRule(DType)}
     * @param tokenizerMetadata tokenizer.ggml.* keys to write (may be empty)
     */
    public static void write(Model model, Path target, Function<Tensor, DType> typeFor, int fileType,
                             Map<String, GgufValue> tokenizerMetadata) throws IOException {
        write(model, target, typeFor, fileType, tokenizerMetadata, Progress.NONE);
    }

    public static void write(Model model, Path target, Function<Tensor, DType> typeFor, int fileType,
                             Map<String, GgufValue> tokenizerMetadata, Progress progress) throws IOException {
        ModelConfig cfg = model.config();
        Architecture arch = cfg.architecture();
        GgufWriter w = new GgufWriter();
        String name = model.ggufMetadata().containsKey("general.name") ? model.ggufMetadata().get("general.name").asString()
                : model.path() == null ? "whittle" : model.path().getFileName().toString().replaceFirst("\\.gguf$", "");
        w.putAll(GgufModelMetadata.of(cfg, name, fileType));
        w.put("general.quantization_version", GgufValue.uint32(2));
        // Keep the source's descriptive general.* keys (author, license, ...) that the config does not derive.
        for (var e : model.ggufMetadata().entrySet())
            if (e.getKey().startsWith("general.") && !GgufModelMetadata.isDerived(e.getKey(), arch) && !w.metadata().containsKey(e.getKey()))
                w.put(e.getKey(), e.getValue());
        w.putAll(tokenizerMetadata);
        java.util.List<String> order = ggufOrder(model);
        progress.start("writing " + target.getFileName(), order.size());
        int[] done = {0};
        for (String canonical : order) {
            Tensor src = model.tensor(canonical);
            String ggufName = TensorNaming.hfToGguf(canonical, arch).orElse(canonical);
            DType target0 = typeFor.apply(src);
            LongUnaryOperator rowOrder = QkPermutation.ggufRowOrder(cfg, canonical, src);
            w.add(TensorSource.lazy(ggufName, src.shape(), target0, out -> {
                TensorEncoder.write(src, target0, rowOrder, out);
                progress.advance(++done[0], ggufName);
            }));
        }
        w.write(target);
        progress.finish(order.size() + " tensors written to " + target);
    }

    /** llama.cpp's tensor order: embeddings, then block by block, then output norm and output. */
    public static java.util.List<String> ggufOrder(Model m) {
        java.util.List<String> names = new java.util.ArrayList<>(m.tensorNames());
        names.sort(java.util.Comparator.comparingLong(n -> orderKey(n, m.config().architecture())));
        return names;
    }

    private static long orderKey(String canonical, Architecture arch) {
        String g = TensorNaming.hfToGguf(canonical, arch).orElse(canonical);
        if (g.startsWith("token_embd") || g.startsWith("position_embd") || g.startsWith("rope_freqs")) return 0;
        if (g.startsWith("blk.")) {
            int dot = g.indexOf('.', 4);
            return 1 + Long.parseLong(g.substring(4, dot));
        }
        return Long.MAX_VALUE;
    }

    /**
     * llama.cpp's rule for float exports: 2-D weight matrices take the requested float type, everything 1-D
     * (norms, biases) stays F32; quantized sources keep their type unless a float type is asked for.
     */
    public static Function<Tensor, DType> floatTypeRule(DType requested) {
        return t -> {
            if (requested == null) return t.dtype();
            if (t.rank() < 2) return DType.F32;
            return BlockFallback.forRow(requested, t.rowLength());
        };
    }

    /** GGUF {@code general.file_type} for a whole-file float type. */
    public static int fileTypeFor(DType t) {
        return switch (t) {
            case F32 -> GgufModelMetadata.FTYPE_ALL_F32;
            case F16 -> GgufModelMetadata.FTYPE_MOSTLY_F16;
            case BF16 -> GgufModelMetadata.FTYPE_MOSTLY_BF16;
            case Q8_0 -> GgufModelMetadata.FTYPE_MOSTLY_Q8_0;
            case Q4_0 -> GgufModelMetadata.FTYPE_MOSTLY_Q4_0;
            case Q4_1 -> GgufModelMetadata.FTYPE_MOSTLY_Q4_1;
            case Q5_0 -> GgufModelMetadata.FTYPE_MOSTLY_Q5_0;
            case Q5_1 -> GgufModelMetadata.FTYPE_MOSTLY_Q5_1;
            case Q6_K -> GgufModelMetadata.FTYPE_MOSTLY_Q6_K;
            // A file of one k-type is llama.cpp's "_S" mix (the base type nearly everywhere).
            case Q2_K -> GgufModelMetadata.FTYPE_MOSTLY_Q2_K;
            case Q3_K -> GgufModelMetadata.FTYPE_MOSTLY_Q3_K_S;
            case Q4_K -> GgufModelMetadata.FTYPE_MOSTLY_Q4_K_S;
            case Q5_K -> GgufModelMetadata.FTYPE_MOSTLY_Q5_K_S;
            default -> GgufModelMetadata.FTYPE_ALL_F32;
        };
    }
}
