package dev.whittle.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Byte-level BPE with ranked merges (GGUF {@code tokenizer.ggml.model = gpt2}), as llama.cpp does it:
 * user-defined tokens are cut out first, the rest is split into words by the {@link PreTokenizer}, each
 * word's UTF-8 bytes are mapped to GPT-2's byte characters, and within a word the adjacent pair with the
 * lowest merge rank is merged (leftmost on ties) until no pair has a rank.
 */
public final class Gpt2BpeTokenizer implements Tokenizer {
    private static final int CACHE_LIMIT = 1 << 16;

    private final Vocabulary vocab;
    private final Map<String, Integer> ranks;
    private final PreTokenizer preTokenizer;
    private final boolean ignoreMerges;
    private final SpecialTokenSplitter splitter;
    private final Map<String, int[]> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, int[]> e) { return size() > CACHE_LIMIT; }
    };

    /**
     * @param merges       "left right" strings, in rank order
     * @param ignoreMerges take a word that is itself a token as is (llama3-style vocabularies)
     */
    public Gpt2BpeTokenizer(Vocabulary vocab, List<String> merges, PreTokenizer preTokenizer, boolean ignoreMerges) {
        this.vocab = vocab;
        this.preTokenizer = preTokenizer;
        this.ignoreMerges = ignoreMerges;
        this.splitter = new SpecialTokenSplitter(vocab, java.util.Set.of());
        this.ranks = HashMap.newHashMap(merges.size());
        for (int i = 0; i < merges.size(); i++) {
            String m = merges.get(i);
            int sp = m.indexOf(' ', 1);
            if (sp < 0) throw new IllegalArgumentException("merge " + i + " has no space: '" + m + "'");
            ranks.putIfAbsent(m.substring(0, sp) + ' ' + m.substring(sp + 1), i);
        }
    }

    public Vocabulary vocabulary() { return vocab; }

    public PreTokenizer preTokenizer() { return preTokenizer; }

    @Override
    public int[] encode(String text) {
        SentencePieceBpeTokenizer.IntList out = new SentencePieceBpeTokenizer.IntList(Math.max(16, text.length() / 3));
        for (SpecialTokenSplitter.Fragment f : splitter.split(text)) {
            if (!f.isText()) {
                out.add(f.token());
                continue;
            }
            for (String word : preTokenizer.split(f.text())) {
                int[] ids;
                synchronized (cache) { ids = cache.get(word); }
                if (ids == null) {
                    ids = encodeWord(ByteLevel.encode(word.getBytes(StandardCharsets.UTF_8)));
                    synchronized (cache) { cache.put(word, ids); }
                }
                for (int id : ids) out.add(id);
            }
        }
        return out.toArray();
    }

    private record Bigram(int left, int right, int rank, String text) {}

    private int[] encodeWord(String word) {
        SentencePieceBpeTokenizer.IntList out = new SentencePieceBpeTokenizer.IntList(word.length());
        if (ignoreMerges) {
            int id = vocab.id(word);
            if (id >= 0) {
                out.add(id);
                return out.toArray();
            }
        }
        int n = word.length(); // byte-level characters are all in the BMP
        int[] start = new int[n], len = new int[n], prev = new int[n], next = new int[n];
        for (int i = 0; i < n; i++) {
            start[i] = i;
            len[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.rank != b.rank
                ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) tryAdd(word, start, len, i - 1, i, queue);
        while (!queue.isEmpty()) {
            Bigram bg = queue.poll();
            int l = bg.left, r = bg.right;
            if (len[l] == 0 || len[r] == 0 || len[l] + len[r] != bg.text.length()
                    || !word.regionMatches(start[l], bg.text, 0, bg.text.length())) continue; // stale
            len[l] += len[r];
            len[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) prev[next[r]] = l;
            if (prev[l] >= 0) tryAdd(word, start, len, prev[l], l, queue);
            if (next[l] >= 0) tryAdd(word, start, len, l, next[l], queue);
        }
        for (int i = 0; i != -1 && n > 0; i = next[i]) {
            String piece = word.substring(start[i], start[i] + len[i]);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
            } else {
                // llama.cpp falls back to single-byte tokens; only ASCII characters can be one byte
                for (int k = 0; k < piece.length(); k++) {
                    char c = piece.charAt(k);
                    int t = c < 0x80 ? vocab.id(String.valueOf(c)) : -1;
                    if (t >= 0) out.add(t);
                }
            }
        }
        return out.toArray();
    }

    private void tryAdd(String word, int[] start, int[] len, int l, int r, PriorityQueue<Bigram> queue) {
        String left = word.substring(start[l], start[l] + len[l]);
        String right = word.substring(start[r], start[r] + len[r]);
        Integer rank = ranks.get(left + ' ' + right);
        if (rank != null) queue.add(new Bigram(l, r, rank, left + right));
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= vocab.size()) throw new IllegalArgumentException("token id " + id + " out of range [0, " + vocab.size() + ")");
            String t = vocab.token(id);
            switch (vocab.type(id)) {
                case NORMAL -> {
                    for (int k = 0; k < t.length(); k++) {
                        int b = ByteLevel.byteOf(t.charAt(k));
                        if (b >= 0) bytes.write(b);
                        else bytes.writeBytes(String.valueOf(t.charAt(k)).getBytes(StandardCharsets.UTF_8));
                    }
                }
                case USER_DEFINED -> bytes.writeBytes(t.getBytes(StandardCharsets.UTF_8));
                case BYTE -> {
                    int b = SentencePieceBpeTokenizer.byteValue(t);
                    if (b >= 0) bytes.write(b);
                    else bytes.writeBytes(t.getBytes(StandardCharsets.UTF_8));
                }
                default -> { } // control, unknown, unused: no text
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override public int vocabSize() { return vocab.size(); }
    @Override public int bosId() { return vocab.bosId(); }
    @Override public int eosId() { return vocab.eosId(); }
    @Override public String kind() { return "gpt2-bpe"; }
}
