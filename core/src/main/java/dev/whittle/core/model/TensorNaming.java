package dev.whittle.core.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where GGUF tensor names meet whittle's canonical (HuggingFace) names.
 * Block-level names carry the layer index: {@code blk.3.attn_q.weight} ↔ {@code model.layers.3.self_attn.q_proj.weight}.
 * GPT-2 canonical names drop HF's optional {@code transformer.} prefix ({@code h.3.attn.c_attn.weight}).
 */
public final class TensorNaming {
    private static final Pattern GGUF_BLOCK = Pattern.compile("blk\\.(\\d+)\\.(.+)");
    private static final Pattern HF_LLAMA_BLOCK = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");
    private static final Pattern HF_GPT2_BLOCK = Pattern.compile("h\\.(\\d+)\\.(.+)");

    // GGUF suffix (without .weight/.bias) → HF suffix, for llama-family blocks.
    private static final Map<String, String> LLAMA_BLOCK = new LinkedHashMap<>();
    private static final Map<String, String> LLAMA_GLOBAL = new LinkedHashMap<>();
    private static final Map<String, String> GPT2_BLOCK = new LinkedHashMap<>();
    private static final Map<String, String> GPT2_GLOBAL = new LinkedHashMap<>();

    static {
        LLAMA_BLOCK.put("attn_norm", "input_layernorm");
        LLAMA_BLOCK.put("attn_q", "self_attn.q_proj");
        LLAMA_BLOCK.put("attn_k", "self_attn.k_proj");
        LLAMA_BLOCK.put("attn_v", "self_attn.v_proj");
        LLAMA_BLOCK.put("attn_output", "self_attn.o_proj");
        LLAMA_BLOCK.put("ffn_norm", "post_attention_layernorm");
        LLAMA_BLOCK.put("ffn_gate", "mlp.gate_proj");
        LLAMA_BLOCK.put("ffn_up", "mlp.up_proj");
        LLAMA_BLOCK.put("ffn_down", "mlp.down_proj");
        LLAMA_GLOBAL.put("token_embd", "model.embed_tokens");
        LLAMA_GLOBAL.put("output_norm", "model.norm");
        LLAMA_GLOBAL.put("output", "lm_head");
        LLAMA_GLOBAL.put("rope_freqs", "rope_freqs");

        GPT2_BLOCK.put("attn_norm", "ln_1");
        GPT2_BLOCK.put("attn_qkv", "attn.c_attn");
        GPT2_BLOCK.put("attn_output", "attn.c_proj");
        GPT2_BLOCK.put("ffn_norm", "ln_2");
        GPT2_BLOCK.put("ffn_up", "mlp.c_fc");
        GPT2_BLOCK.put("ffn_down", "mlp.c_proj");
        GPT2_GLOBAL.put("token_embd", "wte");
        GPT2_GLOBAL.put("position_embd", "wpe");
        GPT2_GLOBAL.put("output_norm", "ln_f");
        GPT2_GLOBAL.put("output", "lm_head");
    }

    private TensorNaming() {}

    /** Canonical name for a GGUF tensor name, or empty if whittle does not know it. */
    public static Optional<String> ggufToHf(String gguf, Architecture arch) {
        boolean gpt2 = arch == Architecture.GPT2;
        Split s = Split.of(gguf);
        Matcher m = GGUF_BLOCK.matcher(s.stem);
        if (m.matches()) {
            String hf = (gpt2 ? GPT2_BLOCK : LLAMA_BLOCK).get(m.group(2));
            if (hf == null) return Optional.empty();
            return Optional.of((gpt2 ? "h." : "model.layers.") + m.group(1) + "." + hf + s.suffix);
        }
        String hf = (gpt2 ? GPT2_GLOBAL : LLAMA_GLOBAL).get(s.stem);
        return hf == null ? Optional.empty() : Optional.of(hf + s.suffix);
    }

    /** GGUF name for a canonical name, or empty if GGUF has none. */
    public static Optional<String> hfToGguf(String hf, Architecture arch) {
        boolean gpt2 = arch == Architecture.GPT2;
        String name = gpt2 && hf.startsWith("transformer.") ? hf.substring("transformer.".length()) : hf;
        Split s = Split.of(name);
        Matcher m = (gpt2 ? HF_GPT2_BLOCK : HF_LLAMA_BLOCK).matcher(s.stem);
        if (m.matches()) {
            for (var e : (gpt2 ? GPT2_BLOCK : LLAMA_BLOCK).entrySet())
                if (e.getValue().equals(m.group(2))) return Optional.of("blk." + m.group(1) + "." + e.getKey() + s.suffix);
            return Optional.empty();
        }
        for (var e : (gpt2 ? GPT2_GLOBAL : LLAMA_GLOBAL).entrySet())
            if (e.getValue().equals(s.stem)) return Optional.of(e.getKey() + s.suffix);
        return Optional.empty();
    }

    /** Strips HF's optional {@code transformer.} prefix of GPT-2 checkpoints. */
    public static String canonical(String hf, Architecture arch) {
        return arch == Architecture.GPT2 && hf.startsWith("transformer.") ? hf.substring("transformer.".length()) : hf;
    }

    /** Is this canonical name a Q or K projection weight/bias, whose rows GGUF stores interleaved? */
    public static boolean isQuery(String hf) {
        return hf.matches("model\\.layers\\.\\d+\\.self_attn\\.q_proj\\.(weight|bias)");
    }

    public static boolean isKey(String hf) {
        return hf.matches("model\\.layers\\.\\d+\\.self_attn\\.k_proj\\.(weight|bias)");
    }

    /** GPT-2's Conv1D weights, stored [in, out] by HF and [out, in] (like Linear) by GGUF and whittle. */
    public static boolean isGpt2Conv1dWeight(String canonicalName) {
        return canonicalName.matches("h\\.\\d+\\.(attn\\.c_attn|attn\\.c_proj|mlp\\.c_fc|mlp\\.c_proj)\\.weight");
    }

    private record Split(String stem, String suffix) {
        static Split of(String name) {
            for (String suf : new String[] {".weight", ".bias"})
                if (name.endsWith(suf)) return new Split(name.substring(0, name.length() - suf.length()), suf);
            return new Split(name, "");
        }
    }
}
