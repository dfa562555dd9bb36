package dev.whittle.quantize;

import dev.whittle.core.intq.GroupedIntWeight;
import dev.whittle.core.intq.IntExport;
import dev.whittle.core.intq.IntQuantizer;
import dev.whittle.core.intq.IntScheme;
import dev.whittle.core.model.Model;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.tensor.DType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code whittle quantize --type intN}: the model as a compressed-tensors pack-quantized SafeTensors directory
 * ({@link IntExport}), every decoder-layer linear rounded by the chosen method onto the integer scheme. RTN is
 * IntExport's own quantizer; GPTQ and AWQ walk the layers with {@link LayerStream} as for GGUF targets, and the
 * layer's norms and biases are taken from it too, so AWQ's folded scales are what gets written.
 */
final class IntModelWriter {
    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\..+");

    private IntModelWriter() {}

    static QuantizationReport write(Model model, Path target, QuantizeOptions options, Progress progress) throws IOException {
        IntScheme scheme = options.intScheme();
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        if (!options.method().calibrated()) {
            IntExport.write(model, target, scheme, null, progress);
            return new QuantizationReport(options, List.of(), List.of(), notes);
        }
        if (!model.config().architecture().isLlamaFamily()) {
            throw new IllegalArgumentException(options.method() + " needs a Llama-family model (llama, mistral, qwen2), not " + model.config().architecture());
        }
        Map<String, float[]> floats = new HashMap<>();
        Map<String, TensorReport> reports = new LinkedHashMap<>();
        try (LayerStream stream = new LayerStream(model, options, name -> DType.F32, name -> name, notes)) {
            IntExport.write(model, target, scheme, null, new IntExport.WeightSource() {
                @Override
                public GroupedIntWeight weight(String name, int rows, int cols, IntScheme s, Arena arena) {
                    Matcher m = LAYER.matcher(name);
                    if (!m.matches()) throw new IllegalStateException(name + " is not a decoder-layer weight");
                    int layer = Integer.parseInt(m.group(1));
                    LayerQuantizer.Encoded e = stream.tensor(layer, name);
                    String p = "model.layers." + layer + ".";
                    for (String n : new String[] {"input_layernorm.weight", "post_attention_layernorm.weight"}) floats.putIfAbsent(p + n, stream.tensor(layer, p + n).values());
                    for (String lin : LayerQuantizer.LINEARS) {
                        String b = p + lin + ".bias";
                        if (model.findTensor(b).isPresent()) floats.putIfAbsent(b, stream.tensor(layer, b).values());
                    }
                    for (TensorReport r : stream.reports(layer)) reports.putIfAbsent(r.name(), r);
                    Gptq.IntResult r = e.ints();
                    return IntQuantizer.assemble(name, rows, cols, s, r.codes(), r.scales(), r.zeroPoints(), arena);
                }

                @Override
                public float[] floatOverride(String name) {
                    return floats.get(name);
                }
            }, progress);
        }
        return new QuantizationReport(options, new ArrayList<>(reports.values()), List.of(), notes);
    }
}
