package dev.whittle.core.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whittle.core.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A HuggingFace {@code tokenizer.json} run by the HF tokenizers library itself (through DJL, which bundles
 * the native library; nothing is downloaded). Encoding adds no special tokens. BOS/EOS come from
 * tokenizer_config.json, special_tokens_map.json or config.json next to the file, in that order.
 * Close it to free the native tokenizer.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer hf;
    private final int vocabSize;
    private final int bosId;
    private final int eosId;

    private HfTokenizer(HuggingFaceTokenizer hf, int vocabSize, int bosId, int eosId) {
        this.hf = hf;
        this.vocabSize = vocabSize;
        this.bosId = bosId;
        this.eosId = eosId;
    }

    /** The tokenizer.json of a HF model directory. */
    public static HfTokenizer fromDirectory(Path dir) {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) throw new ModelFormatException(dir, "no tokenizer.json in the model directory");
        return fromFile(file);
    }

    public static HfTokenizer fromFile(Path tokenizerJson) {
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(tokenizerJson, "cannot read tokenizer.json: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.has("model")) {
            throw new ModelFormatException(tokenizerJson, "not a HF tokenizer.json (no \"model\" object)");
        }
        Map<String, Integer> ids = tokenIds(root);
        int size = 0;
        for (int id : ids.values()) size = Math.max(size, id + 1);
        Path dir = tokenizerJson.toAbsolutePath().getParent();
        int bos = specialId(dir, ids, "bos");
        int eos = specialId(dir, ids, "eos");
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");
        try {
            return new HfTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options), size, bos, eos);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(tokenizerJson, "HF tokenizers rejected the file: " + e.getMessage(), e);
        }
    }

    /** Token text → id over model.vocab (a map, or a list of [token, score] for Unigram) and added_tokens. */
    static Map<String, Integer> tokenIds(JsonNode root) {
        Map<String, Integer> ids = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ids.put(e.getKey(), e.getValue().asInt());
            }
        } else if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) ids.put(vocab.get(i).path(0).asText(), i);
        }
        for (JsonNode t : root.path("added_tokens")) ids.put(t.path("content").asText(), t.path("id").asInt());
        return ids;
    }

    private static int specialId(Path dir, Map<String, Integer> ids, String which) {
        for (String f : new String[] {"tokenizer_config.json", "special_tokens_map.json"}) {
            JsonNode n = readOptional(dir.resolve(f)).path(which + "_token");
            String text = n.isTextual() ? n.asText() : n.path("content").isTextual() ? n.path("content").asText() : null;
            if (text != null && ids.containsKey(text)) return ids.get(text);
        }
        JsonNode id = readOptional(dir.resolve("config.json")).path(which + "_token_id");
        if (id.isArray() && !id.isEmpty()) id = id.get(0);
        return id.isIntegralNumber() ? id.asInt() : -1;
    }

    private static JsonNode readOptional(Path p) {
        if (!Files.isRegularFile(p)) return JSON.missingNode();
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(p, "cannot parse JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public int[] encode(String text) {
        long[] ids = hf.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = (int) ids[i];
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) throw new IllegalArgumentException("token id " + ids[i] + " out of range [0, " + vocabSize + ")");
            l[i] = ids[i];
        }
        return hf.decode(l, true);
    }

    @Override public int vocabSize() { return vocabSize; }
    @Override public int bosId() { return bosId; }
    @Override public int eosId() { return eosId; }
    @Override public String kind() { return "hf-tokenizer.json"; }

    @Override
    public void close() { hf.close(); }
}
