package dev.whittle.core.intq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whittle.core.convert.HfConfigWriter;
import dev.whittle.core.convert.AtomicDirectory;
import dev.whittle.core.convert.HfExport;
import dev.whittle.core.convert.TensorEncoder;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.safetensors.SafeTensorsWriter;
import dev.whittle.core.tensor.TensorSource;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a Llama-family {@link Model} as a compressed-tensors "pack-quantized" HF directory that vLLM,
 * llm-compressor and whittle read: every Linear weight inside the transformer blocks becomes
 * {@code X.weight_packed} (I32), {@code X.weight_scale} ([out, groups], F16 by default),
 * {@code X.weight_zero_point} (asymmetric only, I32 packed along rows) and {@code X.weight_shape} (I64 [2]);
 * embeddings, norms, biases and lm_head stay float (their own dtype, or F32 for GGUF block types). config.json
 * carries the {@code quantization_config}; tokenizer files are written as {@link HfExport} does.
 * <p>
 * Weights are quantized with {@link IntQuantizer} (RTN) one at a time while the file is streamed. A source that is
 * itself grouped-int is re-quantized from its dequantized rows. The directory is built under a temporary name and
 * moved into place when complete.
 */
public final class IntExport {
    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.");
    private static final Pattern BLOCK_LINEAR = Pattern.compile("model\\.layers\\.\\d+\\..+\\.weight");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private IntExport() {}

    /** {@code groupSize} 0 means per-channel; scales F16; float tensors keep their dtype. */
    public static void write(Model model, Path dir, int bits, int groupSize, boolean symmetric, Progress progress) throws IOException {
        write(model, dir, IntScheme.of(bits, groupSize, symmetric), null, progress);
    }

    /**
     * @param floatType dtype of the tensors left unquantized (F32, F16, BF16), or null to keep each one's own float
     *                  dtype (F32 for block-quantized sources)
     */
    public static void write(Model model, Path targetDir, IntScheme scheme, DType floatType, Progress progress) throws IOException {
        write(model, targetDir, scheme, floatType, null, progress);
    }

    /**
     * Where the quantized weights come from when not from RTN (GPTQ, AWQ). Weights are asked for in increasing
     * layer order, all before any float tensor is written.
     */
    public interface WeightSource {
        /** The quantized weight {@code name} ([rows, cols]) in {@code scheme}, allocated in {@code arena}. */
        GroupedIntWeight weight(String name, int rows, int cols, IntScheme scheme, Arena arena);

        /** Values that replace a float tensor of the model (AWQ's folded norms), or null to copy it. */
        float[] floatOverride(String name);
    }

    /** As above with the quantized weights from {@code source} (null: RTN with {@link IntQuantizer}). */
    public static void write(Model model, Path targetDir, IntScheme scheme, DType floatType, WeightSource source, Progress progress) throws IOException {
        ModelConfig cfg = model.config();
        if (!cfg.architecture().isLlamaFamily())
            throw new IllegalArgumentException("compressed-tensors export supports Llama-family models (nn.Linear weights), not " + cfg.architecture());
        if (floatType != null && floatType != DType.F32 && floatType != DType.F16 && floatType != DType.BF16)
            throw new IllegalArgumentException("unquantized tensors must be F32, F16 or BF16, not " + floatType);
        Path target = targetDir.toAbsolutePath();
        List<String> weights = new ArrayList<>();
        AtomicDirectory.write(target, tmp -> {
            List<TensorSource> sources = new ArrayList<>();
            Map<String, GroupedIntWeight> already = model.quantizedWeights();
            for (String name : model.tensorNames()) {
                if (GroupedIntWeights.isParameterTensor(name)) {
                    if (name.endsWith(GroupedIntWeights.PACKED)) weights.add(name.substring(0, name.length() - GroupedIntWeights.PACKED.length()) + ".weight");
                    continue;
                }
                Tensor t = model.tensor(name);
                if (t.rank() == 2 && BLOCK_LINEAR.matcher(name).matches()) weights.add(name);
                else sources.add(floatSource(t, floatType, source));
            }
            weights.sort(java.util.Comparator.comparingInt(IntExport::layerOf)); // stable: layers ascending
            int[] done = {0};
            progress.start("quantizing to " + scheme.label(), weights.size());
            List<TensorSource> quantized = new ArrayList<>();
            for (String w : weights) {
                GroupedIntWeight src = already.get(w);
                Pending p = src != null
                        ? new Pending(w, src.rows(), src.cols(), scheme, src::dequantizeRow)
                        : pending(model.tensor(w), scheme);
                if (source != null) p.producer = a -> source.weight(w, p.rows, p.cols, scheme, a);
                p.onDone = () -> progress.advance(++done[0], w);
                quantized.addAll(p.sources());
            }
            List<TensorSource> all = new ArrayList<>(quantized);
            all.addAll(sources);
            new SafeTensorsWriter().metadata(Map.of("format", "pt")).order(SafeTensorsWriter.Order.AS_GIVEN)
                    .writeSharded(tmp, all, 5L << 30);
            ObjectNode config = HfConfigWriter.toJson(cfg, torchDtype(sources));
            config.set("quantization_config", new CompressedTensorsConfig(scheme, List.of("lm_head")).toJson());
            Files.writeString(tmp.resolve("config.json"), JSON.writeValueAsString(config) + "\n");
            Files.writeString(tmp.resolve("generation_config.json"), HfExport.generationConfig(cfg));
            HfExport.writeTokenizer(model, tmp);
        });
        progress.finish(weights.size() + " weights quantized to " + scheme.label() + " in " + target);
    }

    private static Pending pending(Tensor t, IntScheme scheme) {
        int rows = Math.toIntExact(t.dim(0)), cols = Math.toIntExact(t.dim(1));
        return new Pending(t.name(), rows, cols, scheme, (r, dst) -> dev.whittle.core.tensor.Dequantizer.dequantizeRow(t, r, dst));
    }

    private static int layerOf(String name) {
        java.util.regex.Matcher m = LAYER.matcher(name);
        return m.lookingAt() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    private static TensorSource floatSource(Tensor t, DType requested, WeightSource override) {
        DType src = t.dtype();
        DType out = requested != null ? requested : (src == DType.F32 || src == DType.F16 || src == DType.BF16 ? src : DType.F32);
        if (out == src && override == null) return TensorSource.of(t);
        return new TensorSource() {
            @Override public String name() { return t.name(); }
            @Override public long[] shape() { return t.shape(); }
            @Override public DType dtype() { return out; }
            @Override public void writeTo(WritableByteChannel ch) throws IOException {
                float[] v = override == null ? null : override.floatOverride(t.name());
                if (v == null) {
                    if (out == src) TensorSource.write(t.data(), ch);
                    else TensorEncoder.write(t, out, ch);
                    return;
                }
                if (v.length != t.elementCount()) throw new IllegalStateException(t.name() + ": replacement has " + v.length + " values, tensor " + t.elementCount());
                byte[] bytes = new byte[4 * v.length];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(v);
                TensorEncoder.write(new Tensor(t.name(), t.shape(), DType.F32, MemorySegment.ofArray(bytes)), out, ch);
            }
        };
    }

    private static String torchDtype(List<TensorSource> floats) {
        DType t = floats.stream().filter(s -> s.shape().length >= 2).map(TensorSource::dtype).findFirst().orElse(DType.F32);
        return switch (t) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> "float32";
        };
    }

    /**
     * One weight's compressed tensors, quantized when the first of them is written and released after the last,
     * so only one layer's quantized copy is alive at a time.
     */
    private static final class Pending {
        final String stem;
        final int rows, cols;
        final IntScheme scheme;
        final IntQuantizer.RowReader reader;
        Runnable onDone = () -> {};
        java.util.function.Function<Arena, GroupedIntWeight> producer;
        private GroupedIntWeight result;
        private Arena arena;
        private int remaining;

        Pending(String weightName, int rows, int cols, IntScheme scheme, IntQuantizer.RowReader reader) {
            this.stem = weightName.substring(0, weightName.length() - ".weight".length());
            this.rows = rows;
            this.cols = cols;
            this.scheme = scheme;
            this.reader = reader;
        }

        List<TensorSource> sources() {
            int groups = scheme.groupCount(cols);
            List<TensorSource> s = new ArrayList<>();
            s.add(part(GroupedIntWeights.PACKED, new long[] {rows, IntPacking.wordsFor(cols, scheme.bits())}, DType.I32, GroupedIntWeight::packed));
            s.add(part(GroupedIntWeights.SCALE, new long[] {rows, groups}, scheme.scaleType(), GroupedIntWeight::scales));
            if (!scheme.symmetric())
                s.add(part(GroupedIntWeights.ZERO_POINT, new long[] {IntPacking.wordsFor(rows, scheme.bits()), groups}, DType.I32, GroupedIntWeight::zeroPoints));
            s.add(shapePart());
            remaining = s.size();
            return s;
        }

        private GroupedIntWeight get() {
            if (result == null) {
                arena = Arena.ofConfined();
                result = producer != null ? producer.apply(arena) : IntQuantizer.quantize(stem + ".weight", rows, cols, reader, scheme, arena);
            }
            return result;
        }

        private void partWritten() {
            if (--remaining == 0) {
                result = null;
                if (arena != null) arena.close();
                arena = null;
                onDone.run();
            }
        }

        private TensorSource part(String suffix, long[] shape, DType type, java.util.function.Function<GroupedIntWeight, MemorySegment> data) {
            return new TensorSource() {
                @Override public String name() { return stem + suffix; }
                @Override public long[] shape() { return shape.clone(); }
                @Override public DType dtype() { return type; }
                @Override public void writeTo(WritableByteChannel ch) throws IOException {
                    TensorSource.write(data.apply(get()), ch);
                    partWritten();
                }
            };
        }

        private TensorSource shapePart() {
            return new TensorSource() {
                @Override public String name() { return stem + GroupedIntWeights.SHAPE; }
                @Override public long[] shape() { return new long[] {2}; }
                @Override public DType dtype() { return DType.I64; }
                @Override public void writeTo(WritableByteChannel ch) throws IOException {
                    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(rows).putLong(cols).flip();
                    while (b.hasRemaining()) ch.write(b);
                    partWritten();
                }
            };
        }
    }

}
