package dev.whittle.core.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A token list with per-token scores and types, and the special ids. Token texts are Java strings
 * (vocabularies are UTF-8 in GGUF and JSON, so nothing is lost).
 */
public final class Vocabulary {
    private final String[] tokens;
    private final float[] scores;
    private final TokenType[] types;
    private final Map<String, Integer> ids;
    private final int bosId;
    private final int eosId;
    private final int unkId;
    private final int maxTokenChars;

    /**
     * @param scores null for all zero
     * @param types  null for all NORMAL
     * @throws IllegalArgumentException on duplicate tokens or length mismatches
     */
    public Vocabulary(List<String> tokens, float[] scores, TokenType[] types, int bosId, int eosId, int unkId) {
        int n = tokens.size();
        if (scores != null && scores.length < n) throw new IllegalArgumentException("scores: " + scores.length + " < " + n + " tokens");
        if (types != null && types.length < n) throw new IllegalArgumentException("token types: " + types.length + " < " + n + " tokens");
        this.tokens = tokens.toArray(new String[0]);
        this.scores = scores == null ? new float[n] : scores;
        this.types = new TokenType[n];
        this.ids = HashMap.newHashMap(n);
        int maxLen = 0;
        for (int i = 0; i < n; i++) {
            String t = this.tokens[i];
            if (t == null || t.isEmpty()) this.tokens[i] = t = "[EMPTY_" + i + "]"; // as llama.cpp does
            Integer prev = ids.putIfAbsent(t, i);
            if (prev != null) throw new IllegalArgumentException("duplicate token '" + t + "' at ids " + prev + " and " + i);
            this.types[i] = types == null ? TokenType.NORMAL : types[i];
            maxLen = Math.max(maxLen, t.length());
        }
        this.maxTokenChars = maxLen;
        this.bosId = valid(bosId, n);
        this.eosId = valid(eosId, n);
        this.unkId = valid(unkId, n);
    }

    private static int valid(int id, int n) { return id >= 0 && id < n ? id : -1; }

    public int size() { return tokens.length; }

    public String token(int id) { return tokens[id]; }

    public float score(int id) { return scores[id]; }

    public TokenType type(int id) { return types[id]; }

    /** -1 if the text is not a token. */
    public int id(String text) {
        Integer id = ids.get(text);
        return id == null ? -1 : id;
    }

    public int bosId() { return bosId; }

    public int eosId() { return eosId; }

    public int unkId() { return unkId; }

    /** Length in UTF-16 chars of the longest token. */
    public int maxTokenChars() { return maxTokenChars; }

    public List<String> tokens() { return List.of(tokens); }

    public float[] scores() { return scores.clone(); }

    public TokenType[] types() { return types.clone(); }
}
