package dev.whittle.core.tokenizer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * BERT WordPiece (GGUF {@code tokenizer.ggml.model = bert}) as llama.cpp runs it: lowercase and strip
 * accents, split on whitespace, punctuation, ASCII symbols and CJK ideographs, then match each word
 * greedily longest-first against the vocabulary, where word-initial pieces carry a U+2581 prefix (GGUF's
 * form of BERT's "##" continuation marker). A word that cannot be covered becomes one unknown token.
 */
public final class WordPieceTokenizer implements Tokenizer {
    private final Vocabulary vocab;
    private final boolean lowercase;
    private final boolean stripAccents;
    private final SpecialTokenSplitter splitter;

    public WordPieceTokenizer(Vocabulary vocab, boolean lowercase, boolean stripAccents) {
        this.vocab = vocab;
        this.lowercase = lowercase;
        this.stripAccents = stripAccents;
        this.splitter = new SpecialTokenSplitter(vocab, java.util.Set.of());
    }

    @Override
    public int[] encode(String text) {
        SentencePieceBpeTokenizer.IntList out = new SentencePieceBpeTokenizer.IntList(16);
        for (SpecialTokenSplitter.Fragment f : splitter.split(text)) {
            if (!f.isText()) {
                out.add(f.token());
                continue;
            }
            for (String word : words(f.text())) encodeWord(SentencePieceBpeTokenizer.SPACE + word, out);
        }
        return out.toArray();
    }

    private void encodeWord(String word, SentencePieceBpeTokenizer.IntList out) {
        List<Integer> ids = new ArrayList<>();
        int n = word.length();
        for (int i = 0; i < n; ) {
            int found = -1, end = i;
            for (int j = Math.min(n, i + vocab.maxTokenChars()); j > i; j--) {
                int id = vocab.id(word.substring(i, j));
                if (id >= 0) {
                    found = id;
                    end = j;
                    break;
                }
            }
            if (found < 0) {
                ids.clear();
                break;
            }
            ids.add(found);
            i = end;
        }
        if (ids.isEmpty()) {
            if (vocab.unkId() >= 0) out.add(vocab.unkId());
        } else {
            for (int id : ids) out.add(id);
        }
    }

    private List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int k = 0; k < text.length(); ) {
            int cp = text.codePointAt(k);
            k += Character.charCount(cp);
            if (stripAccents) cp = baseOf(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                flush(cur, words);
                continue;
            }
            int type = Character.getType(cp);
            if (cp == 0 || cp == 0xFFFD || isControl(type)) continue;
            if (stripAccents && (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                    || type == Character.COMBINING_SPACING_MARK)) continue;
            if (lowercase) cp = Character.toLowerCase(cp);
            if (isPunctuation(type) || (cp < 0x7F && isSymbol(type)) || isChinese(cp)) {
                flush(cur, words);
                words.add(Character.toString(cp));
            } else {
                cur.appendCodePoint(cp);
            }
        }
        flush(cur, words);
        return words;
    }

    private static void flush(StringBuilder cur, List<String> words) {
        if (!cur.isEmpty()) {
            words.add(cur.toString());
            cur.setLength(0);
        }
    }

    /** The first code point of the canonical decomposition (é → e). */
    private static int baseOf(int cp) {
        if (cp < 0xC0) return cp;
        String d = Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFD);
        return d.codePointAt(0);
    }

    private static boolean isControl(int type) {
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.SURROGATE || type == Character.UNASSIGNED;
    }

    private static boolean isPunctuation(int type) {
        return switch (type) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    private static boolean isSymbol(int type) {
        return type == Character.MATH_SYMBOL || type == Character.CURRENCY_SYMBOL
                || type == Character.MODIFIER_SYMBOL || type == Character.OTHER_SYMBOL;
    }

    private static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id < 0 || id >= vocab.size()) throw new IllegalArgumentException("token id " + id + " out of range [0, " + vocab.size() + ")");
            TokenType t = vocab.type(id);
            if (t == TokenType.NORMAL) sb.append(vocab.token(id).replace(SentencePieceBpeTokenizer.SPACE, ' '));
            else if (t == TokenType.USER_DEFINED) sb.append(vocab.token(id));
        }
        return !sb.isEmpty() && sb.charAt(0) == ' ' ? sb.substring(1) : sb.toString();
    }

    @Override public int vocabSize() { return vocab.size(); }
    @Override public int bosId() { return vocab.bosId(); }
    @Override public int eosId() { return vocab.eosId(); }
    @Override public String kind() { return "bert-wordpiece"; }
}
