package dev.whittle.core.synth;

import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.RopeScaling;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Shapes of real models, for random-weight benchmark models: speed depends on shapes and dtypes, not on values.
 * Figures are those of the published config.json files.
 */
public enum SynthPreset {
    TINYLLAMA_1_1B("tinyllama-1.1b", new ModelConfig(Architecture.LLAMA, 2048, 22, 32, 4, 64, 5632, 32000, 2048,
            10000, RopeScaling.NONE, 1e-5, false, false, false, "silu", 0, 1, 2)),
    LLAMA_3_2_1B("llama-3.2-1b", new ModelConfig(Architecture.LLAMA, 2048, 16, 32, 8, 64, 8192, 128256, 131072,
            500000, new RopeScaling("llama3", 32, 1, 4, 8192), 1e-5, true, false, false, "silu", 0, 128000, 128001)),
    QWEN2_5_0_5B("qwen2.5-0.5b", new ModelConfig(Architecture.QWEN2, 896, 24, 14, 2, 64, 4864, 151936, 32768,
            1000000, RopeScaling.NONE, 1e-6, true, true, false, "silu", 0, 151643, 151645)),
    SMOLLM2_135M("smollm2-135m", new ModelConfig(Architecture.LLAMA, 576, 30, 9, 3, 64, 1536, 49152, 8192,
            100000, RopeScaling.NONE, 1e-5, true, false, false, "silu", 0, 1, 2)),
    GPT2_124M("gpt2-124m", new ModelConfig(Architecture.GPT2, 768, 12, 12, 12, 64, 3072, 50257, 1024,
            0, RopeScaling.NONE, 1e-5, true, true, true, "gelu_new", 0, 50256, 50256)),
    /** A few-kilobyte model for tests. */
    TINY_TEST("tiny-test", new ModelConfig(Architecture.LLAMA, 64, 2, 4, 2, 16, 128, 300, 256,
            10000, RopeScaling.NONE, 1e-5, false, false, false, "silu", 0, 1, 2));

    private final String id;
    private final ModelConfig config;

    SynthPreset(String id, ModelConfig config) {
        this.id = id;
        this.config = config;
    }

    public String id() { return id; }

    public ModelConfig config() { return config; }

    public static SynthPreset byId(String id) {
        for (SynthPreset p : values()) if (p.id.equals(id.toLowerCase(Locale.ROOT))) return p;
        throw new IllegalArgumentException("unknown preset " + id + " (known: " + ids() + ")");
    }

    public static String ids() {
        return Arrays.stream(values()).map(SynthPreset::id).collect(Collectors.joining(", "));
    }
}
