package dev.whittle.core.convert;

import dev.whittle.core.gguf.GgufType;
import dev.whittle.core.gguf.GgufValue;
import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.ModelConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code general.*} and {@code ARCH.*} GGUF keys for a model config, in the names and types llama.cpp reads
 * (src/llama-model.cpp, llama-arch.cpp). Tokenizer keys come separately.
 */
public final class GgufModelMetadata {
    /** llama.cpp's LLAMA_FTYPE values for the whole-file type. */
    public static final int FTYPE_ALL_F32 = 0, FTYPE_MOSTLY_F16 = 1, FTYPE_MOSTLY_Q4_0 = 2, FTYPE_MOSTLY_Q4_1 = 3,
            FTYPE_MOSTLY_Q8_0 = 7, FTYPE_MOSTLY_Q5_0 = 8, FTYPE_MOSTLY_Q5_1 = 9, FTYPE_MOSTLY_Q2_K = 10,
            FTYPE_MOSTLY_Q3_K_S = 11, FTYPE_MOSTLY_Q3_K_M = 12, FTYPE_MOSTLY_Q4_K_S = 14, FTYPE_MOSTLY_Q4_K_M = 15, FTYPE_MOSTLY_Q5_K_S = 16,
            FTYPE_MOSTLY_Q5_K_M = 17, FTYPE_MOSTLY_Q6_K = 18, FTYPE_MOSTLY_BF16 = 32;

    private GgufModelMetadata() {}

    public static Map<String, GgufValue> of(ModelConfig c, String name, int fileType) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        String arch = c.architecture().ggufName();
        m.put("general.architecture", GgufValue.string(arch));
        m.put("general.name", GgufValue.string(name));
        m.put("general.file_type", GgufValue.uint32(fileType));
        m.put(arch + ".vocab_size", GgufValue.uint32(c.vocabSize()));
        m.put(arch + ".context_length", GgufValue.uint32(c.contextLength()));
        m.put(arch + ".embedding_length", GgufValue.uint32(c.hiddenSize()));
        m.put(arch + ".block_count", GgufValue.uint32(c.numLayers()));
        m.put(arch + ".feed_forward_length", GgufValue.uint32(c.intermediateSize()));
        m.put(arch + ".attention.head_count", GgufValue.uint32(c.numHeads()));
        if (c.architecture() == Architecture.GPT2) {
            m.put(arch + ".attention.layer_norm_epsilon", GgufValue.float32((float) c.normEps()));
            return m;
        }
        m.put(arch + ".attention.head_count_kv", GgufValue.uint32(c.numKvHeads()));
        m.put(arch + ".rope.freq_base", GgufValue.float32((float) c.ropeTheta()));
        m.put(arch + ".rope.dimension_count", GgufValue.uint32(c.headDim()));
        if (c.headDim() * c.numHeads() != c.hiddenSize()) {
            m.put(arch + ".attention.key_length", GgufValue.uint32(c.headDim()));
            m.put(arch + ".attention.value_length", GgufValue.uint32(c.headDim()));
        }
        m.put(arch + ".attention.layer_norm_rms_epsilon", GgufValue.float32((float) c.normEps()));
        if (c.ropeScaling().type().equals("linear")) {
            m.put(arch + ".rope.scaling.type", GgufValue.string("linear"));
            m.put(arch + ".rope.scaling.factor", GgufValue.float32((float) c.ropeScaling().factor()));
        }
        if (c.slidingWindow() > 0) m.put(arch + ".attention.sliding_window", GgufValue.uint32(c.slidingWindow()));
        return m;
    }

    /** Is this a key that {@link #of} derives from the config (so a converter should not copy it from a source file)? */
    public static boolean isDerived(String key, Architecture a) {
        return key.equals("general.architecture") || key.equals("general.file_type") || key.equals("general.alignment")
                || key.startsWith(a.ggufName() + ".");
    }

    static GgufValue u32(long v) {
        return GgufValue.of(GgufType.UINT32, v);
    }
}
