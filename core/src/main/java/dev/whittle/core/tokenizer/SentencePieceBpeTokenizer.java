package dev.whittle.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * SentencePiece-style BPE over a scored vocabulary (GGUF {@code tokenizer.ggml.model = llama}), with the
 * semantics of llama.cpp's SPM tokenizer: a space is prefixed to the text, spaces become U+2581, then the
 * adjacent pair whose concatenation is the highest-scoring token is merged (leftmost on ties) until no pair
 * is a token; characters left outside the vocabulary fall back to {@code <0xXX>} byte tokens.
 * A priority queue over a linked list of symbols keeps this O(n log n) on long texts.
 */
public final class SentencePieceBpeTokenizer implements Tokenizer {
    static final char SPACE = '\u2581';

    private final Vocabulary vocab;
    private final boolean addSpacePrefix;
    private final SpecialTokenSplitter splitter;
    private final int[] byteTokens = new int[256];
    /** True if no token has U+2581 right after another character, so merges never cross a word start. */
    private final boolean wordsIndependent;
    private final Map<String, int[]> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, int[]> e) { return size() > 1 << 16; }
    };

    public SentencePieceBpeTokenizer(Vocabulary vocab, boolean addSpacePrefix) {
        this(vocab, addSpacePrefix, Set.of());
    }

    /** @param rstripIds user-defined tokens that swallow following whitespace (llama.cpp's phi-3 rule) */
    SentencePieceBpeTokenizer(Vocabulary vocab, boolean addSpacePrefix, Set<Integer> rstripIds) {
        this.vocab = vocab;
        this.addSpacePrefix = addSpacePrefix;
        this.splitter = new SpecialTokenSplitter(vocab, rstripIds);
        for (int b = 0; b < 256; b++) {
            int id = vocab.id(String.format("<0x%02X>", b));
            if (id < 0 && b < 0x80) id = vocab.id(String.valueOf((char) b));
            byteTokens[b] = id;
        }
        boolean independent = true;
        for (int i = 0; i < vocab.size() && independent; i++) {
            String t = vocab.token(i);
            for (int k = 1; k < t.length(); k++) {
                if (t.charAt(k) == SPACE && t.charAt(k - 1) != SPACE) {
                    independent = false;
                    break;
                }
            }
        }
        this.wordsIndependent = independent;
    }

    public Vocabulary vocabulary() { return vocab; }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList(Math.max(16, text.length() / 3));
        boolean prevSpecial = true; // the first fragment gets the space prefix
        for (SpecialTokenSplitter.Fragment f : splitter.split(text)) {
            if (f.isText()) {
                String s = (addSpacePrefix && prevSpecial ? " " : "") + f.text();
                encodeFragment(s.replace(' ', SPACE), out);
                prevSpecial = false;
            } else {
                out.add(f.token());
                prevSpecial = true;
            }
        }
        return out.toArray();
    }

    /** Merging over each whole fragment, never word by word: the reference for the word-split shortcut. */
    int[] encodeWithoutWordSplit(String text) {
        IntList out = new IntList(Math.max(16, text.length() / 3));
        boolean prevSpecial = true;
        for (SpecialTokenSplitter.Fragment f : splitter.split(text)) {
            if (f.isText()) {
                encodeChunk(((addSpacePrefix && prevSpecial ? " " : "") + f.text()).replace(' ', SPACE), out);
                prevSpecial = false;
            } else {
                out.add(f.token());
                prevSpecial = true;
            }
        }
        return out.toArray();
    }

    private record Bigram(int left, int right, float score, int size) {}

    /**
     * Merges over the whole fragment, as llama.cpp does. When no token spans a word start, words merge
     * independently, so each is encoded on its own (and cached): the result is the same, only faster.
     */
    private void encodeFragment(String text, IntList out) {
        if (!wordsIndependent) {
            encodeChunk(text, out);
            return;
        }
        int from = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || (text.charAt(i) == SPACE && text.charAt(i - 1) != SPACE)) {
                String word = text.substring(from, i);
                int[] ids;
                synchronized (cache) { ids = cache.get(word); }
                if (ids == null) {
                    IntList w = new IntList(word.length());
                    encodeChunk(word, w);
                    ids = w.toArray();
                    synchronized (cache) { cache.put(word, ids); }
                }
                for (int id : ids) out.add(id);
                from = i;
            }
        }
    }

    private void encodeChunk(String text, IntList out) {
        int n = text.codePointCount(0, text.length());
        if (n == 0) return;
        int[] start = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, off = 0; i < n; i++) {
            int cc = Character.charCount(text.codePointAt(off));
            start[i] = off;
            len[i] = cc;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            off += cc;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score != b.score
                ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) tryAdd(text, start, len, i - 1, i, queue);
        while (!queue.isEmpty()) {
            Bigram bg = queue.poll();
            int l = bg.left, r = bg.right;
            if (len[l] == 0 || len[r] == 0 || len[l] + len[r] != bg.size) continue; // stale
            len[l] += len[r];
            len[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) prev[next[r]] = l;
            if (prev[l] >= 0) tryAdd(text, start, len, prev[l], l, queue);
            if (next[l] >= 0) tryAdd(text, start, len, l, next[l], queue);
        }
        for (int i = 0; i != -1; i = next[i]) {
            String piece = text.substring(start[i], start[i] + len[i]);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
            } else {
                byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
                boolean all = true;
                for (byte b : bytes) all &= byteTokens[b & 0xFF] >= 0;
                if (all) {
                    for (byte b : bytes) out.add(byteTokens[b & 0xFF]);
                } else if (vocab.unkId() >= 0) {
                    out.add(vocab.unkId()); // no byte fallback in this vocabulary
                }
            }
        }
    }

    private void tryAdd(String text, int[] start, int[] len, int l, int r, PriorityQueue<Bigram> queue) {
        int size = len[l] + len[r];
        int id = vocab.id(text.substring(start[l], start[l] + size));
        if (id < 0) return;
        queue.add(new Bigram(l, r, vocab.score(id), size));
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean first = true;
        for (int id : ids) {
            if (id < 0 || id >= vocab.size()) throw new IllegalArgumentException("token id " + id + " out of range [0, " + vocab.size() + ")");
            String piece = switch (vocab.type(id)) {
                case NORMAL -> vocab.token(id).replace(SPACE, ' ');
                case USER_DEFINED -> vocab.token(id);
                case BYTE -> {
                    int b = byteValue(vocab.token(id));
                    if (b >= 0) {
                        bytes.write(b);
                        yield null;
                    }
                    yield vocab.token(id); // a "byte" token that is not <0xXX>: its text is all we have
                }
                default -> "";
            };
            if (piece != null) {
                if (first && addSpacePrefix && piece.startsWith(" ")) piece = piece.substring(1);
                bytes.writeBytes(piece.getBytes(StandardCharsets.UTF_8));
            }
            first = false;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The byte of a {@code <0xXX>} token, -1 if the text has another form. */
    static int byteValue(String token) {
        if (token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
            int hi = Character.digit(token.charAt(3), 16), lo = Character.digit(token.charAt(4), 16);
            if (hi >= 0 && lo >= 0) return hi * 16 + lo;
        }
        return -1;
    }

    @Override public int vocabSize() { return vocab.size(); }
    @Override public int bosId() { return vocab.bosId(); }
    @Override public int eosId() { return vocab.eosId(); }
    @Override public String kind() { return "llama-spm"; }

    /** A growable int array, to avoid boxing millions of ids. */
    static final class IntList {
        private int[] a;
        private int n;

        IntList(int capacity) { a = new int[Math.max(4, capacity)]; }

        void add(int v) {
            if (n == a.length) a = Arrays.copyOf(a, a.length * 2);
            a[n++] = v;
        }

        int size() { return n; }

        int[] toArray() { return Arrays.copyOf(a, n); }
    }
}
