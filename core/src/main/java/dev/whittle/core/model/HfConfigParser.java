package dev.whittle.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whittle.core.ModelFormatException;

import java.io.IOException;
import java.nio.file.Path;

/** Reads a HuggingFace {@code config.json} into a {@link ModelConfig}, with each family's HF defaults. */
public final class HfConfigParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfConfigParser() {}

    public static ModelConfig parse(Path configJson) {
        JsonNode root;
        try {
            root = JSON.readTree(configJson.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(configJson, "cannot parse config.json: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) throw new ModelFormatException(configJson, "config.json is not a JSON object");
        return parse(root, configJson);
    }

    public static ModelConfig parse(JsonNode c, Path file) {
        Architecture arch = architecture(c, file);
        Fields f = new Fields(c, file);
        if (arch == Architecture.GPT2) {
            int hidden = f.reqInt("n_embd");
            int heads = f.reqInt("n_head");
            int inner = c.hasNonNull("n_inner") ? f.reqInt("n_inner") : 4 * hidden;
            return new ModelConfig(arch, hidden, f.reqInt("n_layer"), heads, heads, hidden / heads, inner,
                    f.reqInt("vocab_size"), f.optInt("n_positions", 1024), 0, RopeScaling.NONE,
                    f.optDouble("layer_norm_epsilon", 1e-5), f.optBool("tie_word_embeddings", true), true, true,
                    c.path("activation_function").asText("gelu_new"), 0,
                    f.optTokenId("bos_token_id", 50256), f.optTokenId("eos_token_id", 50256));
        }
        int hidden = f.reqInt("hidden_size");
        int heads = f.reqInt("num_attention_heads");
        int kvHeads = f.optInt("num_key_value_heads", heads);
        int headDim = c.hasNonNull("head_dim") ? f.reqInt("head_dim") : hidden / heads;
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0)
            throw new ModelFormatException(file, "num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
        boolean qwen = arch == Architecture.QWEN2;
        int sliding = 0;
        if (arch == Architecture.MISTRAL && c.hasNonNull("sliding_window")) sliding = f.reqInt("sliding_window");
        if (qwen && c.path("use_sliding_window").asBoolean(false) && c.hasNonNull("sliding_window")) sliding = f.reqInt("sliding_window");
        return new ModelConfig(arch, hidden, f.reqInt("num_hidden_layers"), heads, kvHeads, headDim,
                f.reqInt("intermediate_size"), f.reqInt("vocab_size"), f.optInt("max_position_embeddings", 2048),
                f.optDouble("rope_theta", 10000.0), ropeScaling(c.path("rope_scaling"), file),
                f.optDouble("rms_norm_eps", 1e-6), f.optBool("tie_word_embeddings", false),
                qwen || f.optBool("attention_bias", false), f.optBool("mlp_bias", false),
                c.path("hidden_act").asText("silu"), sliding,
                f.optTokenId("bos_token_id", -1), f.optTokenId("eos_token_id", -1));
    }

    private static Architecture architecture(JsonNode c, Path file) {
        JsonNode archs = c.path("architectures");
        String name = archs.isArray() && !archs.isEmpty() ? archs.get(0).asText() : null;
        if (name == null) {
            // Older configs name only the model_type.
            String type = c.path("model_type").asText("");
            name = switch (type) {
                case "llama" -> "LlamaForCausalLM";
                case "mistral" -> "MistralForCausalLM";
                case "qwen2" -> "Qwen2ForCausalLM";
                case "gpt2" -> "GPT2LMHeadModel";
                default -> type.isEmpty() ? "(none)" : type;
            };
        }
        for (Architecture a : Architecture.values()) if (a.hfClass().equals(name)) return a;
        throw new ModelFormatException(file, "unsupported architecture " + name + " (supported: " + Architecture.supportedHf() + ")");
    }

    static RopeScaling ropeScaling(JsonNode r, Path file) {
        if (r == null || r.isMissingNode() || r.isNull()) return RopeScaling.NONE;
        String type = r.hasNonNull("rope_type") ? r.get("rope_type").asText() : r.path("type").asText("none");
        return switch (type) {
            case "default", "none" -> RopeScaling.NONE;
            case "linear" -> new RopeScaling("linear", r.path("factor").asDouble(1.0), 1, 1, 0);
            case "llama3" -> new RopeScaling("llama3", r.path("factor").asDouble(8.0), r.path("low_freq_factor").asDouble(1.0),
                    r.path("high_freq_factor").asDouble(4.0), r.path("original_max_position_embeddings").asInt(8192));
            default -> throw new ModelFormatException(file, "rope_scaling: unsupported type " + type + " (supported: linear, llama3)");
        };
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Typed field access that names the key when a value is missing or malformed. */
    private record Fields(JsonNode c, Path file) {
        int reqInt(String key) {
            JsonNode n = c.get(key);
            if (n == null || n.isNull()) throw new ModelFormatException(file, "config.json: missing " + key);
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 0) throw new ModelFormatException(file, "config.json: " + key + " must be a non-negative integer, found " + n);
            return n.asInt();
        }

        int optInt(String key, int dflt) {
            return c.hasNonNull(key) ? reqInt(key) : dflt;
        }

        double optDouble(String key, double dflt) {
            JsonNode n = c.get(key);
            if (n == null || n.isNull()) return dflt;
            if (!n.isNumber()) throw new ModelFormatException(file, "config.json: " + key + " must be a number, found " + n);
            return n.asDouble();
        }

        boolean optBool(String key, boolean dflt) {
            JsonNode n = c.get(key);
            if (n == null || n.isNull()) return dflt;
            if (!n.isBoolean()) throw new ModelFormatException(file, "config.json: " + key + " must be true or false, found " + n);
            return n.asBoolean();
        }

        /** Token ids may be a single integer or a list (Llama 3 lists several EOS ids): take the first. */
        int optTokenId(String key, int dflt) {
            JsonNode n = c.get(key);
            if (n == null || n.isNull()) return dflt;
            if (n.isArray()) return n.isEmpty() ? dflt : n.get(0).asInt(dflt);
            return n.asInt(dflt);
        }
    }
}
