package dev.whittle.quantize;

import dev.whittle.core.convert.GgufExport;
import dev.whittle.core.convert.ModelConverter;

import dev.whittle.core.convert.TensorEncoder;

import dev.whittle.core.convert.GgufModelMetadata;
import dev.whittle.core.tensor.TensorSource;
import dev.whittle.core.gguf.GgufValue;
import dev.whittle.core.gguf.GgufWriter;
import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.QkPermutation;
import dev.whittle.core.model.TensorNaming;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code whittle quantize}: a model in, a quantized GGUF file llama.cpp loads out (general.file_type of the preset,
 * general.quantization_version 2, the tokenizer, Q/K rows interleaved as llama.cpp expects).
 * <p>The file is written in llama.cpp's tensor order, and tensors are produced as the writer asks for them: RTN
 * tensors row by row from the mapped source; for GPTQ/AWQ the first tensor of a decoder layer triggers that layer's
 * quantization from the calibration activations, which are then carried through the quantized layer to the next.
 * Peak memory is one layer's weights and Hessians plus the calibration activations (N × L × hidden floats). The
 * output appears atomically.
 */
public final class ModelQuantizer {
    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\..+");

    private ModelQuantizer() {}

    public static QuantizationReport quantize(Model model, Path target, QuantizeOptions options, Progress progress) throws IOException {
        if (options.intScheme() != null) return IntModelWriter.write(model, target, options, progress);
        ModelConfig cfg = model.config();
        Architecture arch = cfg.architecture();
        if (options.method().calibrated() && !arch.isLlamaFamily()) {
            throw new IllegalArgumentException(options.method() + " needs a Llama-family model (llama, mistral, qwen2); "
                    + arch + " can be quantized with --method rtn");
        }
        List<String> order = GgufExport.ggufOrder(model);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, String> ggufOf = new LinkedHashMap<>();
        for (String canonical : order) {
            String g = TensorNaming.hfToGguf(canonical, arch).orElse(canonical);
            ggufOf.put(canonical, g);
            shapes.put(g, model.tensor(canonical).shape());
        }
        TensorTypePlan plan = TensorTypePlan.of(options.preset(), shapes);

        GgufWriter w = new GgufWriter();
        String name = model.ggufMetadata().containsKey("general.name") ? model.ggufMetadata().get("general.name").asString()
                : model.path() == null ? "whittle" : model.path().getFileName().toString().replaceFirst("\\.gguf$", "");
        w.putAll(GgufModelMetadata.of(cfg, name, options.preset().fileType()));
        w.put("general.quantization_version", GgufValue.uint32(2));
        for (var e : model.ggufMetadata().entrySet()) {
            if (e.getKey().startsWith("general.") && !GgufModelMetadata.isDerived(e.getKey(), arch) && !w.metadata().containsKey(e.getKey())) {
                w.put(e.getKey(), e.getValue());
            }
        }
        w.putAll(ModelConverter.tokenizerForGguf(model));

        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        Map<String, TensorReport> reports = new LinkedHashMap<>();
        LayerStream stream = options.method().calibrated()
                ? new LayerStream(model, options, c -> plan.typeOf(ggufOf.get(c)), ggufOf::get, notes) : null;
        progress.start("quantizing " + options.method().name().toLowerCase(Locale.ROOT) + " "
                + options.preset().name().toLowerCase(Locale.ROOT) + " → " + target.getFileName(), order.size());
        int[] done = {0};
        for (String canonical : order) {
            String g = ggufOf.get(canonical);
            Tensor src = model.tensor(canonical);
            DType type = plan.typeOf(g);
            LongUnaryOperator rows = QkPermutation.ggufRowOrder(cfg, canonical, src);
            Matcher m = LAYER.matcher(canonical);
            int layer = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            w.add(TensorSource.lazy(g, src.shape(), type, out -> {
                String timing = "";
                if (stream != null && layer >= 0 && stream.isPending(layer)) {
                    stream.tensor(layer, canonical);
                    timing = String.format(Locale.ROOT, " (layer %d of %d quantized in %.1f s)", layer + 1,
                            cfg.numLayers(), stream.lastLayerSeconds());
                }
                if (stream != null && layer >= 0) {
                    LayerQuantizer.Encoded enc = stream.tensor(layer, canonical);
                    writeRows(enc.data(), src.rowCount(), rows, out);
                    for (TensorReport r : stream.reports(layer)) reports.putIfAbsent(r.name(), r);
                    reports.putIfAbsent(g, new TensorReport(g, type, type.isBlockQuantized() ? "rtn" : type.name().toLowerCase(Locale.ROOT), Double.NaN));
                } else {
                    writeRtn(src, type, rows, out);
                    String how = type.isBlockQuantized() ? "rtn" : plan.entries().get(g).fallback() != null ? type.name().toLowerCase(Locale.ROOT) + " (fallback)" : "f32";
                    reports.put(g, new TensorReport(g, type, how, Double.NaN));
                }
                progress.advance(++done[0], g + " " + type + timing);
            }));
        }
        try {
            w.write(target);
        } finally {
            if (stream != null) stream.close();
        }
        progress.finish(order.size() + " tensors written to " + target);
        List<TensorReport> ordered = new ArrayList<>();
        for (String canonical : order) ordered.add(reports.get(ggufOf.get(canonical)));
        return new QuantizationReport(options, ordered, plan.fallbacks(), notes);
    }

    private static void writeRows(byte[] data, long rows, LongUnaryOperator sourceRow, WritableByteChannel out) throws IOException {
        int rowBytes = (int) (data.length / rows);
        for (long r = 0; r < rows; r++) {
            ByteBuffer b = ByteBuffer.wrap(data, (int) (sourceRow.applyAsLong(r) * rowBytes), rowBytes);
            while (b.hasRemaining()) out.write(b);
        }
    }

    /** Round to nearest, streamed in row batches encoded on all cores (core's TensorEncoder). */
    private static void writeRtn(Tensor src, DType type, LongUnaryOperator sourceRow, WritableByteChannel out) throws IOException {
        TensorEncoder.write(src, type, sourceRow, out);
    }
}
