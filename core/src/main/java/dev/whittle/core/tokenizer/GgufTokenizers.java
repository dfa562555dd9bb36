package dev.whittle.core.tokenizer;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.gguf.GgufFile;
import dev.whittle.core.gguf.GgufType;
import dev.whittle.core.gguf.GgufValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Builds the tokenizer embedded in a GGUF file's {@code tokenizer.ggml.*} metadata. */
public final class GgufTokenizers {
    public static final String MODEL = "tokenizer.ggml.model";
    public static final String PRE = "tokenizer.ggml.pre";
    public static final String TOKENS = "tokenizer.ggml.tokens";
    public static final String SCORES = "tokenizer.ggml.scores";
    public static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    public static final String MERGES = "tokenizer.ggml.merges";
    public static final String BOS_ID = "tokenizer.ggml.bos_token_id";
    public static final String EOS_ID = "tokenizer.ggml.eos_token_id";
    public static final String UNK_ID = "tokenizer.ggml.unknown_token_id";
    public static final String PAD_ID = "tokenizer.ggml.padding_token_id";
    public static final String ADD_BOS = "tokenizer.ggml.add_bos_token";
    public static final String ADD_EOS = "tokenizer.ggml.add_eos_token";
    public static final String ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";

    private static final String SUPPORTED = "llama, gpt2, bert";

    private GgufTokenizers() {}

    public static Tokenizer fromGguf(GgufFile gguf) {
        return fromMetadata(gguf.path(), gguf.metadata());
    }

    /** Opens the file, reads its vocabulary and closes it again. */
    public static Tokenizer fromGguf(Path path) {
        try (GgufFile f = GgufFile.open(path)) {
            return fromGguf(f);
        }
    }

    /** @param file named in error messages; may be null for metadata that did not come from a file */
    public static Tokenizer fromMetadata(Path file, Map<String, GgufValue> md) {
        String model = string(file, md, MODEL);
        if (model == null) throw new ModelFormatException(file, "missing " + MODEL + ": the file embeds no tokenizer");
        return switch (model) {
            case "llama" -> {
                Vocabulary v = vocabulary(file, md, 1, 2, 0);
                boolean prefix = bool(file, md, ADD_SPACE_PREFIX, true);
                yield new SentencePieceBpeTokenizer(v, prefix, phi3RstripTokens(md, v));
            }
            case "gpt2" -> {
                Vocabulary v = vocabulary(file, md, 11, 11, -1);
                String pre = string(file, md, PRE);
                PreTokenizer p = PreTokenizer.forName(pre);
                if (p == null) throw new ModelFormatException(file, "unsupported pre-tokenizer " + PRE + " = '" + pre + "'");
                boolean ignoreMerges = switch (p.name()) {
                    case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "tekken" -> true;
                    default -> false;
                };
                List<String> merges = strings(file, md, MERGES);
                if (merges == null) throw new ModelFormatException(file, "missing " + MERGES + " for a gpt2 tokenizer");
                yield new Gpt2BpeTokenizer(v, merges, p, ignoreMerges);
            }
            case "bert" -> {
                Vocabulary v = vocabulary(file, md, 101, -1, 100);
                boolean lower = bool(file, md, "tokenizer.ggml.normalizer.lowercase", true);
                boolean strip = bool(file, md, "tokenizer.ggml.normalizer.strip_accents", lower);
                yield new WordPieceTokenizer(v, lower, strip);
            }
            default -> throw new ModelFormatException(file, "unsupported tokenizer model " + model + " (supported: " + SUPPORTED + ")");
        };
    }

    /** The vocabulary with its special ids (defaults used where the metadata has none). */
    public static Vocabulary vocabulary(Path file, Map<String, GgufValue> md, int defBos, int defEos, int defUnk) {
        List<String> tokens = strings(file, md, TOKENS);
        if (tokens == null) throw new ModelFormatException(file, "missing " + TOKENS);
        int n = tokens.size();
        float[] scores = null;
        GgufValue sv = md.get(SCORES);
        if (sv != null) {
            List<Object> l = array(file, SCORES, sv);
            if (l.size() < n) throw new ModelFormatException(file, SCORES + " has " + l.size() + " entries for " + n + " tokens");
            scores = new float[n];
            for (int i = 0; i < n; i++) scores[i] = number(file, SCORES, l.get(i)).floatValue();
        }
        TokenType[] types = null;
        GgufValue tv = md.get(TOKEN_TYPE);
        if (tv != null) {
            List<Object> l = array(file, TOKEN_TYPE, tv);
            if (l.size() < n) throw new ModelFormatException(file, TOKEN_TYPE + " has " + l.size() + " entries for " + n + " tokens");
            types = new TokenType[n];
            for (int i = 0; i < n; i++) types[i] = TokenType.fromGguf(number(file, TOKEN_TYPE, l.get(i)).longValue());
        }
        int bos = id(file, md, BOS_ID, defBos, n), eos = id(file, md, EOS_ID, defEos, n), unk = id(file, md, UNK_ID, defUnk, n);
        try {
            return new Vocabulary(tokens, scores, types, bos, eos, unk);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, TOKENS + ": " + e.getMessage());
        }
    }

    /** llama.cpp lets Phi-3's user-defined tokens swallow the whitespace after them. */
    private static Set<Integer> phi3RstripTokens(Map<String, GgufValue> md, Vocabulary v) {
        GgufValue name = md.get("general.name");
        if (name == null || name.type() != GgufType.STRING) return Set.of();
        String lower = name.asString().toLowerCase(Locale.ROOT);
        if (!lower.contains("phi-3") && !lower.contains("phi3")) return Set.of();
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < v.size(); i++) {
            String t = v.token(i);
            if (v.type(i) != TokenType.NORMAL && !t.equals("<unk>") && !t.equals("<s>") && !t.equals("<|endoftext|>")) ids.add(i);
        }
        return ids;
    }

    private static int id(Path file, Map<String, GgufValue> md, String key, int def, int n) {
        GgufValue v = md.get(key);
        if (v == null) return def < n ? def : -1;
        long id;
        try {
            id = v.asLong();
        } catch (IllegalStateException e) {
            throw new ModelFormatException(file, key + " is " + v.type() + ", not an integer");
        }
        return id >= 0 && id < n ? (int) id : (def < n ? def : -1); // llama.cpp keeps the default for a bad id
    }

    static String string(Path file, Map<String, GgufValue> md, String key) {
        GgufValue v = md.get(key);
        if (v == null) return null;
        if (v.type() != GgufType.STRING) throw new ModelFormatException(file, key + " is " + v.type() + ", not a string");
        return v.asString();
    }

    static boolean bool(Path file, Map<String, GgufValue> md, String key, boolean def) {
        GgufValue v = md.get(key);
        if (v == null) return def;
        if (v.type() != GgufType.BOOL) throw new ModelFormatException(file, key + " is " + v.type() + ", not a bool");
        return v.asBoolean();
    }

    static List<String> strings(Path file, Map<String, GgufValue> md, String key) {
        GgufValue v = md.get(key);
        if (v == null) return null;
        if (!v.isArray() || v.elementType() != GgufType.STRING) throw new ModelFormatException(file, key + " is not an array of strings");
        List<String> out = new ArrayList<>(v.asList().size());
        for (Object o : v.asList()) out.add((String) o);
        return out;
    }

    private static List<Object> array(Path file, String key, GgufValue v) {
        if (!v.isArray()) throw new ModelFormatException(file, key + " is " + v.type() + ", not an array");
        return v.asList();
    }

    private static Number number(Path file, String key, Object o) {
        if (o instanceof Number num) return num;
        throw new ModelFormatException(file, key + " holds a non-numeric element");
    }
}
