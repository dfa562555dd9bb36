package dev.whittle.core.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.RopeScaling;

/** Writes a {@link ModelConfig} as a HuggingFace {@code config.json} that transformers loads. */
public final class HfConfigWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HfConfigWriter() {}

    public static ObjectNode toJson(ModelConfig c, String torchDtype) {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add(c.architecture().hfClass());
        if (c.architecture() == Architecture.GPT2) {
            o.put("model_type", "gpt2");
            o.put("n_embd", c.hiddenSize());
            o.put("n_layer", c.numLayers());
            o.put("n_head", c.numHeads());
            o.put("n_inner", c.intermediateSize());
            o.put("n_positions", c.contextLength());
            o.put("n_ctx", c.contextLength());
            o.put("vocab_size", c.vocabSize());
            o.put("layer_norm_epsilon", c.normEps());
            o.put("activation_function", c.hiddenAct());
            o.put("tie_word_embeddings", c.tieWordEmbeddings());
        } else {
            o.put("model_type", switch (c.architecture()) {
                case MISTRAL -> "mistral";
                case QWEN2 -> "qwen2";
                default -> "llama";
            });
            o.put("hidden_size", c.hiddenSize());
            o.put("intermediate_size", c.intermediateSize());
            o.put("num_hidden_layers", c.numLayers());
            o.put("num_attention_heads", c.numHeads());
            o.put("num_key_value_heads", c.numKvHeads());
            o.put("head_dim", c.headDim());
            o.put("vocab_size", c.vocabSize());
            o.put("max_position_embeddings", c.contextLength());
            o.put("rms_norm_eps", c.normEps());
            o.put("rope_theta", c.ropeTheta());
            RopeScaling r = c.ropeScaling();
            if (r.isNone()) o.putNull("rope_scaling");
            else {
                ObjectNode rs = o.putObject("rope_scaling");
                rs.put("rope_type", r.type());
                rs.put("factor", r.factor());
                if (r.type().equals("llama3")) {
                    rs.put("low_freq_factor", r.lowFreqFactor());
                    rs.put("high_freq_factor", r.highFreqFactor());
                    rs.put("original_max_position_embeddings", r.originalMaxPositionEmbeddings());
                }
            }
            o.put("hidden_act", c.hiddenAct());
            if (c.architecture() != Architecture.QWEN2) o.put("attention_bias", c.attentionBias());
            o.put("mlp_bias", c.mlpBias());
            o.put("tie_word_embeddings", c.tieWordEmbeddings());
            if (c.slidingWindow() > 0) {
                o.put("sliding_window", c.slidingWindow());
                if (c.architecture() == Architecture.QWEN2) o.put("use_sliding_window", true);
            } else if (c.architecture() == Architecture.MISTRAL) {
                o.putNull("sliding_window");
            }
        }
        if (c.bosTokenId() >= 0) o.put("bos_token_id", c.bosTokenId());
        if (c.eosTokenId() >= 0) o.put("eos_token_id", c.eosTokenId());
        o.put("torch_dtype", torchDtype);
        return o;
    }

    public static String toJsonString(ModelConfig c, String torchDtype) {
        try {
            return JSON.writeValueAsString(toJson(c, torchDtype)) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
