package dev.whittle.core.model;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.gguf.GgufFile;
import dev.whittle.core.gguf.GgufValue;

/** Reads a {@link ModelConfig} from GGUF metadata ({@code general.architecture} and {@code ARCH.*} keys). */
public final class GgufConfigParser {
    private GgufConfigParser() {}

    public static ModelConfig parse(GgufFile f) {
        String archName = f.get("general.architecture").map(GgufValue::asString)
                .orElseThrow(() -> new ModelFormatException(f.path(), "missing general.architecture"));
        Architecture arch = switch (archName) {
            case "llama" -> isMistral(f) ? Architecture.MISTRAL : Architecture.LLAMA;
            case "qwen2" -> Architecture.QWEN2;
            case "gpt2" -> Architecture.GPT2;
            default -> throw new ModelFormatException(f.path(), "unsupported architecture " + archName + " (supported: " + Architecture.supportedGguf() + ")");
        };
        Keys k = new Keys(f, archName);
        int hidden = k.reqInt("embedding_length");
        int layers = k.reqInt("block_count");
        int heads = k.reqInt("attention.head_count");
        int kvHeads = k.optInt("attention.head_count_kv", heads);
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0)
            throw new ModelFormatException(f.path(), archName + ".attention.head_count " + heads + " is not a multiple of head_count_kv " + kvHeads);
        int headDim = k.optInt("attention.key_length", hidden / heads);
        int ffn = k.optInt("feed_forward_length", 4 * hidden);
        int vocab = vocabSize(f, archName);
        int ctx = k.optInt("context_length", 2048);
        int bos = (int) f.get("tokenizer.ggml.bos_token_id").map(GgufValue::asLong).orElse(-1L).longValue();
        int eos = (int) f.get("tokenizer.ggml.eos_token_id").map(GgufValue::asLong).orElse(-1L).longValue();
        boolean tied = f.tensor("output.weight").isEmpty();
        if (arch == Architecture.GPT2) {
            return new ModelConfig(arch, hidden, layers, heads, heads, hidden / heads, ffn, vocab, ctx, 0, RopeScaling.NONE,
                    k.optDouble("attention.layer_norm_epsilon", 1e-5), tied, true, true, "gelu_new", 0, bos, eos);
        }
        RopeScaling rope = RopeScaling.NONE;
        String scalingType = f.get(archName + ".rope.scaling.type").map(GgufValue::asString).orElse("none");
        if (scalingType.equals("linear")) rope = new RopeScaling("linear", k.optDouble("rope.scaling.factor", 1.0), 1, 1, 0);
        boolean qkvBias = f.tensor("blk.0.attn_q.bias").isPresent();
        return new ModelConfig(arch, hidden, layers, heads, kvHeads, headDim, ffn, vocab, ctx,
                k.optDouble("rope.freq_base", 10000.0), rope, k.optDouble("attention.layer_norm_rms_epsilon", 1e-5),
                tied, qkvBias, false, "silu", k.optInt("attention.sliding_window", 0), bos, eos);
    }

    /** GGUF files Mistral models as "llama"; only the model's name tells them apart. */
    private static boolean isMistral(GgufFile f) {
        for (String key : new String[] {"general.basename", "general.name"}) {
            var v = f.get(key);
            if (v.isPresent() && v.get().toString().toLowerCase(java.util.Locale.ROOT).contains("mistral")) return true;
        }
        return false;
    }

    private static int vocabSize(GgufFile f, String arch) {
        var explicit = f.get(arch + ".vocab_size");
        if (explicit.isPresent()) return (int) explicit.get().asLong();
        var tokens = f.get("tokenizer.ggml.tokens");
        if (tokens.isPresent() && tokens.get().isArray()) return tokens.get().asList().size();
        return f.tensor("token_embd.weight").map(t -> (int) t.dim(0))
                .orElseThrow(() -> new ModelFormatException(f.path(), "cannot tell the vocabulary size: no " + arch + ".vocab_size, tokenizer.ggml.tokens or token_embd.weight"));
    }

    private record Keys(GgufFile f, String arch) {
        int reqInt(String key) {
            GgufValue v = f.get(arch + "." + key).orElseThrow(() -> new ModelFormatException(f.path(), "missing " + arch + "." + key));
            return toInt(key, v);
        }

        int optInt(String key, int dflt) {
            return f.get(arch + "." + key).map(v -> toInt(key, v)).orElse(dflt);
        }

        double optDouble(String key, double dflt) {
            return f.get(arch + "." + key).map(v -> {
                try {
                    return v.asDouble();
                } catch (IllegalStateException e) {
                    throw new ModelFormatException(f.path(), arch + "." + key + " must be a number, found " + v.type());
                }
            }).orElse(dflt);
        }

        private int toInt(String key, GgufValue v) {
            long x;
            try {
                x = v.asLong();
            } catch (IllegalStateException e) {
                throw new ModelFormatException(f.path(), arch + "." + key + " must be an integer, found " + v.type());
            }
            if (x < 0 || x > Integer.MAX_VALUE) throw new ModelFormatException(f.path(), arch + "." + key + " = " + x + " is out of range");
            return (int) x;
        }
    }
}
