package dev.whittle.core.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whittle.core.Fixtures;
import dev.whittle.core.ModelFormatException;
import dev.whittle.core.gguf.GgufFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ConfigParsersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void storiesHfConfig() {
        ModelConfig c = HfConfigParser.parse(Fixtures.stories260kHf().resolve("config.json"));
        assertEquals(Architecture.LLAMA, c.architecture());
        assertEquals(64, c.hiddenSize());
        assertEquals(5, c.numLayers());
        assertEquals(8, c.numHeads());
        assertEquals(4, c.numKvHeads());
        assertEquals(8, c.headDim());
        assertEquals(172, c.intermediateSize());
        assertEquals(512, c.vocabSize());
        assertEquals(1e-5, c.normEps());
        assertEquals(10000.0, c.ropeTheta());
        assertTrue(c.tieWordEmbeddings());
        assertTrue(c.ropeScaling().isNone());
        assertEquals(1, c.bosTokenId());
        assertEquals(2, c.eosTokenId());
    }

    @Test
    void storiesGgufConfigAgreesWithHf() {
        ModelConfig hf = HfConfigParser.parse(Fixtures.stories260kHf().resolve("config.json"));
        try (GgufFile f = GgufFile.open(Fixtures.stories260kGguf())) {
            ModelConfig g = GgufConfigParser.parse(f);
            assertEquals(hf.architecture(), g.architecture());
            assertEquals(hf.hiddenSize(), g.hiddenSize());
            assertEquals(hf.numLayers(), g.numLayers());
            assertEquals(hf.numHeads(), g.numHeads());
            assertEquals(hf.numKvHeads(), g.numKvHeads());
            assertEquals(hf.headDim(), g.headDim());
            assertEquals(hf.intermediateSize(), g.intermediateSize());
            assertEquals(hf.vocabSize(), g.vocabSize());
            assertEquals(hf.normEps(), g.normEps(), 1e-12);
            assertEquals(hf.ropeTheta(), g.ropeTheta());
            assertEquals(1, g.bosTokenId());
            assertEquals(2, g.eosTokenId());
        }
    }

    @Test
    void llama3RopeScalingAndListEos() throws Exception {
        var node = JSON.readTree("""
                {"architectures":["LlamaForCausalLM"],"hidden_size":2048,"intermediate_size":8192,"num_hidden_layers":16,
                 "num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,"max_position_embeddings":131072,
                 "rope_theta":500000.0,"rms_norm_eps":1e-5,"tie_word_embeddings":true,"bos_token_id":128000,"eos_token_id":[128001,128008],
                 "rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"}}""");
        ModelConfig c = HfConfigParser.parse(node, Path.of("config.json"));
        assertEquals("llama3", c.ropeScaling().type());
        assertEquals(32.0, c.ropeScaling().factor());
        assertEquals(4.0, c.ropeScaling().highFreqFactor());
        assertEquals(8192, c.ropeScaling().originalMaxPositionEmbeddings());
        assertEquals(64, c.headDim());
        assertEquals(128001, c.eosTokenId());
    }

    @Test
    void qwen2HasQkvBiasAndGpt2Defaults() throws Exception {
        ModelConfig q = HfConfigParser.parse(JSON.readTree("""
                {"architectures":["Qwen2ForCausalLM"],"hidden_size":896,"intermediate_size":4864,"num_hidden_layers":24,
                 "num_attention_heads":14,"num_key_value_heads":2,"vocab_size":151936,"rope_theta":1000000.0,"rms_norm_eps":1e-6,
                 "tie_word_embeddings":true,"sliding_window":32768,"use_sliding_window":false}"""), Path.of("q.json"));
        assertTrue(q.attentionBias());
        assertEquals(0, q.slidingWindow());
        assertEquals(64, q.headDim());
        ModelConfig g = HfConfigParser.parse(JSON.readTree("""
                {"architectures":["GPT2LMHeadModel"],"n_embd":768,"n_head":12,"n_layer":12,"vocab_size":50257,"n_positions":1024}"""), Path.of("g.json"));
        assertEquals(Architecture.GPT2, g.architecture());
        assertEquals(3072, g.intermediateSize());
        assertTrue(g.tieWordEmbeddings());
        assertEquals(1e-5, g.normEps());
    }

    @Test
    void unsupportedArchitectureNamesTheSupportedOnes() throws Exception {
        var e = assertThrows(ModelFormatException.class, () -> HfConfigParser.parse(JSON.readTree(
                "{\"architectures\":[\"MambaForCausalLM\"]}"), Path.of("/m/config.json")));
        assertEquals("/m/config.json: unsupported architecture MambaForCausalLM (supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, GPT2LMHeadModel)", e.getMessage());
    }

    @Test
    void missingKeyIsNamed() throws Exception {
        var e = assertThrows(ModelFormatException.class, () -> HfConfigParser.parse(JSON.readTree(
                "{\"architectures\":[\"LlamaForCausalLM\"],\"hidden_size\":64}"), Path.of("c.json")));
        assertTrue(e.getMessage().contains("missing num_attention_heads"), e.getMessage());
    }
}
