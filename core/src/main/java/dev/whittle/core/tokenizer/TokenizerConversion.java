package dev.whittle.core.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whittle.core.ModelFormatException;
import dev.whittle.core.gguf.GgufType;
import dev.whittle.core.gguf.GgufValue;
import dev.whittle.core.util.AtomicFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Converts tokenizers between HF {@code tokenizer.json} and GGUF {@code tokenizer.ggml.*} metadata, as plain
 * data for {@code whittle convert}. Two families are supported both ways: SentencePiece-style BPE with byte
 * fallback (GGUF model "llama"; HF scores are minus the merge rank of the token, HF merges are every split of
 * a token into two tokens, ordered by the token's score) and byte-level BPE (GGUF model "gpt2", merges kept as
 * they are, the pre-tokenizer carried by name or by regex).
 */
public final class TokenizerConversion {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x[0-9A-Fa-f]{2}>");
    private static final String SPACE = String.valueOf(SentencePieceBpeTokenizer.SPACE);

    private TokenizerConversion() {}

    /** The contents of the HF tokenizer files written for a GGUF vocabulary. */
    public record HfTokenizerFiles(String tokenizerJson, String tokenizerConfigJson, String specialTokensMapJson) {
        /** Writes tokenizer.json, tokenizer_config.json and special_tokens_map.json into dir, each atomically. */
        public void writeTo(Path dir) throws IOException {
            AtomicFile.writeString(dir.resolve("tokenizer.json"), tokenizerJson);
            AtomicFile.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfigJson);
            AtomicFile.writeString(dir.resolve("special_tokens_map.json"), specialTokensMapJson);
        }
    }

    // ---------------------------------------------------------------- HF → GGUF

    /** Reads tokenizer.json (and tokenizer_config.json / config.json when present) of a HF model directory. */
    public static Map<String, GgufValue> hfDirectoryToGguf(Path dir) {
        Path tj = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tj)) throw new ModelFormatException(dir, "no tokenizer.json in the model directory");
        return hfToGguf(tj, read(tj), readOptional(dir.resolve("tokenizer_config.json")), readOptional(dir.resolve("config.json")));
    }

    /**
     * @param tokenizerConfigJson may be null
     * @param configJson          may be null
     */
    public static Map<String, GgufValue> hfToGguf(String tokenizerJson, String tokenizerConfigJson, String configJson) {
        return hfToGguf(null, tokenizerJson, tokenizerConfigJson, configJson);
    }

    private static Map<String, GgufValue> hfToGguf(Path file, String tokenizerJson, String tokenizerConfigJson, String configJson) {
        JsonNode root = parse(file, tokenizerJson);
        JsonNode tcfg = tokenizerConfigJson == null ? F.missingNode() : parse(file, tokenizerConfigJson);
        JsonNode cfg = configJson == null ? F.missingNode() : parse(file, configJson);
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new ModelFormatException(file, "unsupported HF tokenizer model " + model.path("type").asText("?") + " (supported: BPE)");
        }
        Map<String, Integer> ids = HfTokenizer.tokenIds(root);
        int n = 0;
        for (int id : ids.values()) n = Math.max(n, id + 1);
        String[] tokens = new String[n];
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            if (e.getValue() < 0) throw new ModelFormatException(file, "negative token id for '" + e.getKey() + "'");
            tokens[e.getValue()] = e.getKey();
        }
        TokenType[] types = new TokenType[n];
        for (int i = 0; i < n; i++) {
            if (tokens[i] == null) { // holes in the id space, named as llama.cpp's converter does
                tokens[i] = "[PAD" + i + "]";
                types[i] = TokenType.UNUSED;
            } else {
                types[i] = TokenType.NORMAL;
            }
        }
        String unk = model.path("unk_token").isTextual() ? model.path("unk_token").asText() : null;
        for (JsonNode t : root.path("added_tokens")) {
            int id = t.path("id").asInt();
            types[id] = t.path("content").asText().equals(unk) ? TokenType.UNKNOWN
                    : t.path("special").asBoolean(false) ? TokenType.CONTROL : TokenType.USER_DEFINED;
        }
        List<String> merges = merges(file, model.path("merges"));
        boolean byteLevel = mentionsType(root.path("pre_tokenizer"), "ByteLevel") || mentionsType(root.path("decoder"), "ByteLevel");

        Map<String, GgufValue> md = new LinkedHashMap<>();
        if (byteLevel) {
            md.put(GgufTokenizers.MODEL, GgufValue.string("gpt2"));
            md.put(GgufTokenizers.PRE, GgufValue.string(preName(root.path("pre_tokenizer"))));
        } else {
            for (int i = 0; i < n; i++) if (types[i] == TokenType.NORMAL && BYTE_TOKEN.matcher(tokens[i]).matches()) types[i] = TokenType.BYTE;
            md.put(GgufTokenizers.MODEL, GgufValue.string("llama"));
            md.put(GgufTokenizers.PRE, GgufValue.string("default"));
        }
        md.put(GgufTokenizers.TOKENS, GgufValue.array(GgufType.STRING, Arrays.asList(tokens)));
        if (!byteLevel) md.put(GgufTokenizers.SCORES, GgufValue.array(GgufType.FLOAT32, scoresFromMerges(tokens, types, merges)));
        List<Integer> typeIds = new ArrayList<>(n);
        for (TokenType t : types) typeIds.add(t.ggufId());
        md.put(GgufTokenizers.TOKEN_TYPE, GgufValue.array(GgufType.INT32, typeIds));
        if (byteLevel) md.put(GgufTokenizers.MERGES, GgufValue.array(GgufType.STRING, merges));

        int bos = special(tcfg, cfg, ids, "bos", byteLevel ? null : "<s>");
        int eos = special(tcfg, cfg, ids, "eos", byteLevel ? null : "</s>");
        if (bos >= 0) md.put(GgufTokenizers.BOS_ID, GgufValue.uint32(bos));
        if (eos >= 0) md.put(GgufTokenizers.EOS_ID, GgufValue.uint32(eos));
        if (unk != null && ids.containsKey(unk)) md.put(GgufTokenizers.UNK_ID, GgufValue.uint32(ids.get(unk)));
        JsonNode pad = cfg.path("pad_token_id");
        if (pad.isIntegralNumber() && pad.asInt() >= 0 && pad.asInt() < n) md.put(GgufTokenizers.PAD_ID, GgufValue.uint32(pad.asInt()));
        if (tcfg.path("add_bos_token").isBoolean()) md.put(GgufTokenizers.ADD_BOS, GgufValue.bool(tcfg.path("add_bos_token").asBoolean()));
        if (tcfg.path("add_eos_token").isBoolean()) md.put(GgufTokenizers.ADD_EOS, GgufValue.bool(tcfg.path("add_eos_token").asBoolean()));
        if (!byteLevel) md.put(GgufTokenizers.ADD_SPACE_PREFIX, GgufValue.bool(addsSpacePrefix(root)));
        return md;
    }

    /** Merges as "left right" strings, from either the string or the [left, right] form. */
    private static List<String> merges(Path file, JsonNode merges) {
        List<String> out = new ArrayList<>(merges.size());
        for (JsonNode m : merges) {
            if (m.isTextual()) out.add(m.asText());
            else if (m.isArray() && m.size() == 2) out.add(m.get(0).asText() + " " + m.get(1).asText());
            else throw new ModelFormatException(file, "model.merges: entry " + out.size() + " is neither \"a b\" nor [a, b]");
        }
        return out;
    }

    /**
     * SentencePiece scores under which score-driven merging makes the same choices as the ranked merges:
     * a token scores minus the rank of the first merge producing it; tokens no merge produces score below all.
     */
    private static List<Float> scoresFromMerges(String[] tokens, TokenType[] types, List<String> merges) {
        Map<String, Integer> rankOf = new HashMap<>();
        for (int r = 0; r < merges.size(); r++) {
            String m = merges.get(r);
            int sp = m.indexOf(' ', 1);
            if (sp > 0) rankOf.putIfAbsent(m.substring(0, sp) + m.substring(sp + 1), r);
        }
        List<Float> scores = new ArrayList<>(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            Integer r = rankOf.get(tokens[i]);
            if (types[i] != TokenType.NORMAL) scores.add(0f);
            else if (r != null) scores.add((float) -r);
            else scores.add((float) -(merges.size() + i));
        }
        return scores;
    }

    private static boolean addsSpacePrefix(JsonNode root) {
        for (JsonNode n : flatten(root.path("normalizer"))) {
            if ("Prepend".equals(n.path("type").asText()) && SPACE.equals(n.path("prepend").asText())) return true;
        }
        for (JsonNode n : flatten(root.path("pre_tokenizer"))) {
            if ("Metaspace".equals(n.path("type").asText())) {
                String scheme = n.path("prepend_scheme").asText("");
                return !scheme.equals("never") && n.path("add_prefix_space").asBoolean(true);
            }
        }
        return false;
    }

    /** Pre-tokenizer names whose regex lists {@link #ggufToHf} writes and {@link #preName} recognises. */
    private static final List<String> KNOWN_PRE = List.of("gpt-2", "llama-bpe", "qwen2", "falcon", "starcoder",
            "deepseek-coder", "deepseek-llm", "default", "bloom", "viking");

    /**
     * llama.cpp's pre-tokenizer name for a HF byte-level pre-tokenizer, recognised by its Split regexes:
     * HF's own llama3/qwen2 regexes, or any regex list this class writes.
     */
    private static String preName(JsonNode pre) {
        List<String> regexes = new ArrayList<>();
        for (JsonNode n : flatten(pre)) {
            if ("Split".equals(n.path("type").asText())) regexes.add(n.path("pattern").path("Regex").asText(""));
        }
        if (regexes.isEmpty()) return "gpt-2"; // a bare ByteLevel pre-tokenizer splits with GPT-2's regex
        if (regexes.size() == 1) {
            if (regexes.get(0).equals(HF_LLAMA3)) return "llama-bpe";
            if (regexes.get(0).equals(HF_QWEN2)) return "qwen2";
        }
        for (String name : KNOWN_PRE) {
            if (hfRegexes(PreTokenizer.forName(name)).equals(regexes)) return name;
        }
        return "default";
    }

    /** The Split regexes written for a pre-tokenizer (GPT-2's with its final "|\s+" restored). */
    private static List<String> hfRegexes(PreTokenizer p) {
        List<String> regexes = new ArrayList<>(p.regexes());
        // llama.cpp's GPT-2 regex leaves out the final "|\s+" because unmatched runs are kept anyway
        if (regexes.contains(PRE_GPT2)) regexes.set(regexes.indexOf(PRE_GPT2), HF_GPT2);
        return regexes;
    }

    private static final String HF_GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    private static final String HF_LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String HF_QWEN2 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static boolean mentionsType(JsonNode node, String type) {
        for (JsonNode n : flatten(node)) if (type.equals(n.path("type").asText())) return true;
        return false;
    }

    /** A component and, for Sequence components, its members. */
    private static List<JsonNode> flatten(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node == null || !node.isObject()) return out;
        out.add(node);
        for (String k : new String[] {"normalizers", "pretokenizers", "decoders"}) {
            for (JsonNode c : node.path(k)) out.addAll(flatten(c));
        }
        return out;
    }

    private static int special(JsonNode tcfg, JsonNode cfg, Map<String, Integer> ids, String which, String fallback) {
        JsonNode t = tcfg.path(which + "_token");
        String text = t.isTextual() ? t.asText() : t.path("content").isTextual() ? t.path("content").asText() : null;
        if (text != null && ids.containsKey(text)) return ids.get(text);
        JsonNode id = cfg.path(which + "_token_id");
        if (id.isArray() && !id.isEmpty()) id = id.get(0);
        if (id.isIntegralNumber()) return id.asInt();
        return fallback != null && ids.containsKey(fallback) ? ids.get(fallback) : -1;
    }

    // ---------------------------------------------------------------- GGUF → HF

    /** HF tokenizer files for the vocabulary in GGUF metadata (models "llama" and "gpt2"). */
    public static HfTokenizerFiles ggufToHf(Map<String, GgufValue> metadata) {
        return ggufToHf(null, metadata);
    }

    /** @param file named in error messages; may be null */
    public static HfTokenizerFiles ggufToHf(Path file, Map<String, GgufValue> md) {
        String model = GgufTokenizers.string(file, md, GgufTokenizers.MODEL);
        if (model == null) throw new ModelFormatException(file, "missing " + GgufTokenizers.MODEL + ": the file embeds no tokenizer");
        return switch (model) {
            case "llama" -> llamaToHf(file, md);
            case "gpt2" -> gpt2ToHf(file, md);
            default -> throw new ModelFormatException(file, "unsupported tokenizer model " + model + " for tokenizer.json export (supported: llama, gpt2)");
        };
    }

    private static HfTokenizerFiles llamaToHf(Path file, Map<String, GgufValue> md) {
        Vocabulary v = GgufTokenizers.vocabulary(file, md, 1, 2, 0);
        boolean prefix = GgufTokenizers.bool(file, md, GgufTokenizers.ADD_SPACE_PREFIX, true);
        boolean addBos = GgufTokenizers.bool(file, md, GgufTokenizers.ADD_BOS, true);
        boolean addEos = GgufTokenizers.bool(file, md, GgufTokenizers.ADD_EOS, false);

        ObjectNode root = header(v);
        ArrayNode norms = F.arrayNode();
        if (prefix) norms.add(F.objectNode().put("type", "Prepend").put("prepend", SPACE));
        ObjectNode replace = norms.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", SPACE);
        ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
        normalizer.set("normalizers", norms);
        root.putNull("pre_tokenizer");
        root.set("post_processor", template(v, addBos, addEos));
        ObjectNode decoder = root.putObject("decoder").put("type", "Sequence");
        ArrayNode decs = decoder.putArray("decoders");
        ObjectNode unspace = decs.addObject().put("type", "Replace");
        unspace.putObject("pattern").put("String", SPACE);
        unspace.put("content", " ");
        decs.addObject().put("type", "ByteFallback");
        decs.addObject().put("type", "Fuse");
        if (prefix) decs.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);

        ObjectNode m = bpeModel(root, v, true);
        ArrayNode merges = m.putArray("merges");
        for (String merge : mergesFromScores(v)) merges.add(merge);
        return new HfTokenizerFiles(write(root), tokenizerConfig(v, addBos, addEos, "LlamaTokenizerFast"), specialTokensMap(v));
    }

    private static HfTokenizerFiles gpt2ToHf(Path file, Map<String, GgufValue> md) {
        Vocabulary v = GgufTokenizers.vocabulary(file, md, 11, 11, -1);
        String pre = GgufTokenizers.string(file, md, GgufTokenizers.PRE);
        PreTokenizer p = PreTokenizer.forName(pre);
        if (p == null) throw new ModelFormatException(file, "unsupported pre-tokenizer " + GgufTokenizers.PRE + " = '" + pre + "'");
        List<String> merges = GgufTokenizers.strings(file, md, GgufTokenizers.MERGES);
        if (merges == null) throw new ModelFormatException(file, "missing " + GgufTokenizers.MERGES + " for a gpt2 tokenizer");
        boolean addBos = GgufTokenizers.bool(file, md, GgufTokenizers.ADD_BOS, false);
        boolean addEos = GgufTokenizers.bool(file, md, GgufTokenizers.ADD_EOS, false);

        ObjectNode root = header(v);
        root.putNull("normalizer");
        ObjectNode seq = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode pres = seq.putArray("pretokenizers");
        for (String r : hfRegexes(p)) {
            ObjectNode split = pres.addObject().put("type", "Split");
            split.putObject("pattern").put("Regex", r);
            split.put("behavior", "Isolated").put("invert", false);
        }
        pres.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", false).put("use_regex", false);
        root.set("post_processor", template(v, addBos, addEos));
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", false).put("use_regex", false);
        ObjectNode m = bpeModel(root, v, false);
        ArrayNode ma = m.putArray("merges");
        for (String merge : merges) ma.add(merge);
        return new HfTokenizerFiles(write(root), tokenizerConfig(v, addBos, addEos, "PreTrainedTokenizerFast"), specialTokensMap(v));
    }

    private static final String PRE_GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    private static ObjectNode header(Vocabulary v) {
        ObjectNode root = F.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < v.size(); i++) {
            TokenType t = v.type(i);
            if (t != TokenType.CONTROL && t != TokenType.UNKNOWN && t != TokenType.USER_DEFINED) continue;
            added.addObject().put("id", i).put("content", v.token(i)).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", t != TokenType.USER_DEFINED);
        }
        return root;
    }

    private static ObjectNode bpeModel(ObjectNode root, Vocabulary v, boolean byteFallback) {
        ObjectNode m = root.putObject("model");
        m.put("type", "BPE");
        m.putNull("dropout");
        if (v.unkId() >= 0 && byteFallback) m.put("unk_token", v.token(v.unkId()));
        else m.putNull("unk_token");
        m.putNull("continuing_subword_prefix");
        m.putNull("end_of_word_suffix");
        m.put("fuse_unk", byteFallback);
        m.put("byte_fallback", byteFallback);
        m.put("ignore_merges", false);
        ObjectNode vocab = m.putObject("vocab");
        for (int i = 0; i < v.size(); i++) vocab.put(v.token(i), i);
        return m;
    }

    private static JsonNode template(Vocabulary v, boolean addBos, boolean addEos) {
        boolean bos = addBos && v.bosId() >= 0, eos = addEos && v.eosId() >= 0;
        if (!bos && !eos) return F.nullNode();
        ObjectNode tp = F.objectNode().put("type", "TemplateProcessing");
        ArrayNode single = tp.putArray("single"), pair = tp.putArray("pair");
        ObjectNode specials = tp.putObject("special_tokens");
        addSequence(single, v, bos, eos, "A", 0);
        addSequence(pair, v, bos, eos, "A", 0);
        addSequence(pair, v, bos, eos, "B", 1);
        for (int id : new int[] {bos ? v.bosId() : -1, eos ? v.eosId() : -1}) {
            if (id < 0) continue;
            ObjectNode st = specials.putObject(v.token(id)).put("id", v.token(id));
            st.putArray("ids").add(id);
            st.putArray("tokens").add(v.token(id));
        }
        return tp;
    }

    private static void addSequence(ArrayNode target, Vocabulary v, boolean bos, boolean eos, String seq, int typeId) {
        if (bos) target.addObject().putObject("SpecialToken").put("id", v.token(v.bosId())).put("type_id", typeId);
        target.addObject().putObject("Sequence").put("id", seq).put("type_id", typeId);
        if (eos) target.addObject().putObject("SpecialToken").put("id", v.token(v.eosId())).put("type_id", typeId);
    }

    /**
     * Every split of a normal token into two normal tokens, best-scoring result first, so HF's rank-driven
     * merging follows SentencePiece's score-driven one.
     */
    static List<String> mergesFromScores(Vocabulary v) {
        record Merge(String left, String right, int id) {}
        List<Merge> list = new ArrayList<>();
        for (int id = 0; id < v.size(); id++) {
            if (v.type(id) != TokenType.NORMAL) continue;
            String t = v.token(id);
            for (int k = t.offsetByCodePoints(0, 1); k < t.length(); k = t.offsetByCodePoints(k, 1)) {
                int l = v.id(t.substring(0, k)), r = v.id(t.substring(k));
                if (l >= 0 && r >= 0 && v.type(l) == TokenType.NORMAL && v.type(r) == TokenType.NORMAL) {
                    list.add(new Merge(t.substring(0, k), t.substring(k), id));
                }
            }
        }
        list.sort(Comparator.comparingDouble((Merge m) -> -v.score(m.id())).thenComparingInt(Merge::id)
                .thenComparingInt(m -> m.left().length()));
        List<String> out = new ArrayList<>(list.size());
        for (Merge m : list) out.add(m.left() + " " + m.right());
        return out;
    }

    private static String tokenizerConfig(Vocabulary v, boolean addBos, boolean addEos, String cls) {
        ObjectNode c = F.objectNode();
        c.put("add_bos_token", addBos);
        c.put("add_eos_token", addEos);
        putToken(c, "bos_token", v, v.bosId());
        putToken(c, "eos_token", v, v.eosId());
        putToken(c, "unk_token", v, v.unkId());
        c.put("clean_up_tokenization_spaces", false);
        c.put("tokenizer_class", cls);
        return write(c);
    }

    private static String specialTokensMap(Vocabulary v) {
        ObjectNode c = F.objectNode();
        putToken(c, "bos_token", v, v.bosId());
        putToken(c, "eos_token", v, v.eosId());
        putToken(c, "unk_token", v, v.unkId());
        return write(c);
    }

    private static void putToken(ObjectNode c, String key, Vocabulary v, int id) {
        if (id >= 0) c.put(key, v.token(id));
        else c.putNull(key);
    }

    private static String write(JsonNode n) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(Path file, String json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) throw new ModelFormatException(file, "not a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file, "invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new ModelFormatException(p, "cannot read: " + e.getMessage(), e);
        }
    }

    private static String readOptional(Path p) {
        return Files.isRegularFile(p) ? read(p) : null;
    }
}
