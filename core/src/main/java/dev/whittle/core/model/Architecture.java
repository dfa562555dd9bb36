package dev.whittle.core.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Transformer families whittle runs. Each knows its HF {@code architectures} class name and its GGUF
 * {@code general.architecture} value.
 */
public enum Architecture {
    LLAMA("LlamaForCausalLM", "llama"),
    MISTRAL("MistralForCausalLM", "llama"),   // GGUF stores Mistral as llama (with sliding window if any)
    QWEN2("Qwen2ForCausalLM", "qwen2"),
    GPT2("GPT2LMHeadModel", "gpt2");

    private final String hfClass;
    private final String ggufName;

    Architecture(String hfClass, String ggufName) {
        this.hfClass = hfClass;
        this.ggufName = ggufName;
    }

    public String hfClass() { return hfClass; }

    public String ggufName() { return ggufName; }

    /**
     * Does GGUF store this family's Q/K rows interleaved per head? llama.cpp's converter permutes them for its
     * {@code llama} architecture (Llama, Mistral), which uses interleaved RoPE; {@code qwen2} uses NeoX
     * (rotate-half) RoPE and keeps HF's row order.
     */
    public boolean ggufInterleavesQk() { return this == LLAMA || this == MISTRAL; }

    /** Llama-style blocks: RMSNorm, rotary positions, gated SiLU MLP. */
    public boolean isLlamaFamily() { return this != GPT2; }

    public static String supportedHf() {
        return Arrays.stream(values()).map(Architecture::hfClass).collect(Collectors.joining(", "));
    }

    public static String supportedGguf() {
        return Arrays.stream(values()).map(Architecture::ggufName).distinct().collect(Collectors.joining(", "));
    }

    public String displayName() { return name().toLowerCase(Locale.ROOT); }
}
