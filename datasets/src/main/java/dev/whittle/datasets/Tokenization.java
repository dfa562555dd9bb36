package dev.whittle.datasets;

import dev.whittle.core.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * How a long text is handed to the tokenizer: whole (the default) or in pieces.
 * <p>{@link #WHOLE} calls {@code encode} once on the full text, exactly like llama.cpp's perplexity tool; the ids
 * are the reference ones. It needs a tokenizer whose cost grows about linearly with the text (BPE with a
 * pre-tokenizer, or SentencePiece merging through a priority queue); 1-2 MB of text is then fine.
 * <p>{@link #pieces(int)} cuts the text into pieces of at most about {@code maxPieceChars} characters and
 * concatenates the ids, for tokenizers that are slow on long inputs. Cuts fall only right after a '\n' that is
 * followed by a non-whitespace character or by one space and a non-whitespace character, so whitespace runs and
 * words are never split and regex pre-tokenizers
 * (GPT-2, Llama 3) see the same pre-tokens as with the whole text. <b>Boundary effect:</b> a tokenizer that
 * treats the start of its input specially still does so at each piece: SentencePiece with a dummy prefix
 * (Llama 1/2) tokenizes the first word of every piece as if preceded by a space, so roughly one id per piece
 * differs from the whole-text ids (measured with stories260K's tokenizer and 16 K-char pieces: wiki.test.raw
 * gives 809,369 ids instead of 809,289 over 81 pieces; the TinyStories slice 392,990 instead of 393,018 over 49).
 * That tokenizer takes well under 2 s on the whole 1.3 MB wiki.test.raw, so whole is the default. A piece longer
 * than the limit is kept whole when there is no cut point in it.
 *
 * @param maxPieceChars 0 for whole-text tokenization, otherwise the piece length limit in chars
 */
public record Tokenization(int maxPieceChars) {
    public static final Tokenization WHOLE = new Tokenization(0);

    public Tokenization {
        if (maxPieceChars < 0) {
            throw new IllegalArgumentException("maxPieceChars must be >= 0 (0 = whole text), got " + maxPieceChars);
        }
    }

    public static Tokenization pieces(int maxPieceChars) {
        if (maxPieceChars < 1) {
            throw new IllegalArgumentException("piece length must be >= 1, got " + maxPieceChars);
        }
        return new Tokenization(maxPieceChars);
    }

    public boolean whole() {
        return maxPieceChars == 0;
    }

    /** The ids of the text (no BOS/EOS). */
    public int[] encode(Tokenizer tokenizer, String text) {
        if (whole()) {
            return tokenizer.encode(text);
        }
        IntList ids = new IntList();
        for (String piece : split(text, maxPieceChars)) {
            ids.addAll(tokenizer.encode(piece));
        }
        return ids.toArray();
    }

    /** The pieces {@link #encode} would tokenize; they concatenate back to {@code text}. */
    static List<String> split(String text, int maxPieceChars) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        int n = text.length();
        while (n - start > maxPieceChars) {
            int cut = lastCutAtOrBefore(text, start, start + maxPieceChars);
            if (cut < 0) {
                cut = firstCutAfter(text, start + maxPieceChars);
            }
            if (cut < 0) {
                break;
            }
            pieces.add(text.substring(start, cut));
            start = cut;
        }
        if (start < n || pieces.isEmpty()) {
            pieces.add(text.substring(start));
        }
        return pieces;
    }

    /**
     * A cut at i means the piece ends before char i: text[i-1] is '\n' and the next piece starts with a
     * non-whitespace character, or with one space and then a non-whitespace character (WikiText lines start
     * with " "; a single space belongs to the following word in GPT-2 and Llama 3 pre-tokenization).
     */
    private static boolean isCut(String text, int i) {
        if (i <= 0 || i >= text.length() || text.charAt(i - 1) != '\n') {
            return false;
        }
        char c = text.charAt(i);
        if (!PythonText.isSpace(c)) {
            return true;
        }
        return c == ' ' && i + 1 < text.length() && !PythonText.isSpace(text.charAt(i + 1));
    }

    private static int lastCutAtOrBefore(String text, int start, int limit) {
        for (int i = limit; i > start; i--) {
            if (isCut(text, i)) {
                return i;
            }
        }
        return -1;
    }

    private static int firstCutAfter(String text, int from) {
        for (int i = from + 1; i < text.length(); i++) {
            if (isCut(text, i)) {
                return i;
            }
        }
        return -1;
    }
}
