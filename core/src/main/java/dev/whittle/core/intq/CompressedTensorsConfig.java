package dev.whittle.core.intq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whittle.core.ModelFormatException;
import dev.whittle.core.tensor.DType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code quantization_config} of a compressed-tensors checkpoint, restricted to what whittle writes and runs:
 * one config group of integer weight-only quantization ({@code type: "int"}, strategy {@code group} or
 * {@code channel}) in the {@code pack-quantized} format, targeting Linear layers, with an ignore list.
 * Activation quantization, other formats and several config groups are rejected with a one-line message.
 */
public record CompressedTensorsConfig(IntScheme scheme, List<String> ignore) {
    public static final String QUANT_METHOD = "compressed-tensors";
    public static final String FORMAT = "pack-quantized";
    private static final ObjectMapper JSON = new ObjectMapper();

    public CompressedTensorsConfig {
        ignore = List.copyOf(ignore);
    }

    /** The quantization_config of {@code dir/config.json}, or empty if it has none. */
    public static Optional<CompressedTensorsConfig> read(Path configJson) {
        if (!Files.isRegularFile(configJson)) return Optional.empty();
        JsonNode root;
        try {
            root = JSON.readTree(configJson.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(configJson, "cannot parse config.json: " + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode q = root == null ? null : root.get("quantization_config");
        if (q == null || q.isNull()) return Optional.empty();
        return Optional.of(parse(q, configJson));
    }

    /** Parses a quantization_config object; {@code file} is named in errors. */
    public static CompressedTensorsConfig parse(JsonNode q, Path file) {
        String method = q.path("quant_method").asText("");
        if (!QUANT_METHOD.equals(method))
            throw new ModelFormatException(file, "quantization_config.quant_method is \"" + method + "\"; only \"" + QUANT_METHOD + "\" is supported");
        String format = q.path("format").asText("");
        if (!FORMAT.equals(format))
            throw new ModelFormatException(file, "quantization_config.format is \"" + format + "\"; only \"" + FORMAT + "\" is supported");
        JsonNode groups = q.path("config_groups");
        if (!groups.isObject() || groups.size() != 1)
            throw new ModelFormatException(file, "quantization_config.config_groups must hold exactly one group, found " + groups.size());
        JsonNode group = groups.elements().next();
        JsonNode targets = group.path("targets");
        if (!targets.isArray() || targets.size() != 1 || !"Linear".equals(targets.get(0).asText()))
            throw new ModelFormatException(file, "quantization_config group targets must be [\"Linear\"], found " + targets);
        for (String act : List.of("input_activations", "output_activations"))
            if (group.hasNonNull(act)) throw new ModelFormatException(file, "quantization_config." + act + " is set; only weight-only quantization is supported");
        JsonNode w = group.path("weights");
        if (!w.isObject()) throw new ModelFormatException(file, "quantization_config group has no weights arguments");
        if (!"int".equals(w.path("type").asText("int")))
            throw new ModelFormatException(file, "quantization_config weights type is \"" + w.path("type").asText() + "\"; only \"int\" is supported");
        int bits = w.path("num_bits").asInt(-1);
        if (bits < 2 || bits > 8) throw new ModelFormatException(file, "quantization_config weights num_bits " + w.path("num_bits") + " is not in 2..8");
        String strategy = w.path("strategy").asText("");
        int groupSize;
        if (strategy.equals("channel")) groupSize = 0;
        else if (strategy.equals("group")) {
            groupSize = w.path("group_size").asInt(-1);
            if (groupSize <= 0) throw new ModelFormatException(file, "quantization_config weights group_size " + w.path("group_size") + " must be a positive integer");
        } else throw new ModelFormatException(file, "quantization_config weights strategy \"" + strategy + "\" is not supported (group or channel)");
        boolean symmetric = w.path("symmetric").asBoolean(true);
        List<String> ignore = new java.util.ArrayList<>();
        q.path("ignore").forEach(n -> ignore.add(n.asText()));
        // the scale dtype is not part of the config; readers take it from the tensors
        return new CompressedTensorsConfig(new IntScheme(bits, groupSize, symmetric, DType.F16), ignore);
    }

    /** The quantization_config object for config.json, as llm-compressor writes it. */
    public ObjectNode toJson() {
        ObjectNode q = JSON.createObjectNode();
        ObjectNode groups = q.putObject("config_groups");
        ObjectNode g = groups.putObject("group_0");
        g.putArray("targets").add("Linear");
        ObjectNode w = g.putObject("weights");
        w.put("num_bits", scheme.bits());
        w.put("type", "int");
        w.put("symmetric", scheme.symmetric());
        w.put("strategy", scheme.perChannel() ? "channel" : "group");
        if (scheme.perChannel()) w.putNull("group_size");
        else w.put("group_size", scheme.groupSize());
        w.put("dynamic", false);
        w.putNull("actorder");
        w.put("observer", "minmax");
        w.putObject("observer_kwargs");
        w.putNull("block_structure");
        g.putNull("input_activations");
        g.putNull("output_activations");
        q.put("format", FORMAT);
        q.putNull("global_compression_ratio");
        ArrayNodeHelper.fill(q.putArray("ignore"), ignore);
        q.putNull("kv_cache_scheme");
        q.put("quant_method", QUANT_METHOD);
        q.put("quantization_status", "compressed");
        return q;
    }

    private static final class ArrayNodeHelper {
        static void fill(com.fasterxml.jackson.databind.node.ArrayNode a, List<String> items) {
            items.forEach(a::add);
        }
    }
}
