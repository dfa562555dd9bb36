package dev.whittle.datasets;

import dev.whittle.core.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TokenizationTest {

    @Test
    void piecesConcatenateBackAndCutOnlyAfterNewlineBeforeAWord() {
        String text = DatasetRegistry.resolve("wikitext2-test", Fixtures.datasets()).source().wholeText();
        List<String> pieces = Tokenization.split(text, 16_384);
        assertEquals(text, String.join("", pieces));
        assertTrue(pieces.size() >= text.length() / 16_384, "pieces " + pieces.size());
        for (int i = 0; i + 1 < pieces.size(); i++) {
            String piece = pieces.get(i);
            String next = pieces.get(i + 1);
            assertTrue(piece.length() <= 16_384, "piece " + i + " has " + piece.length());
            assertTrue(piece.endsWith("\n"), "piece " + i);
            // WikiText lines start with " " then a non-space: " = Title =" or " The ..."
            assertTrue(!PythonText.isSpace(next.charAt(0))
                    || (next.charAt(0) == ' ' && !PythonText.isSpace(next.charAt(1))), "piece " + (i + 1));
        }
    }

    @Test
    void piecesGiveTheWholeTextIdsWithAContextFreeTokenizer() {
        String text = DatasetRegistry.resolve("tinystories-valid", Fixtures.datasets()).source().wholeText();
        Tokenizer bytes = new ByteTokenizer();
        assertArrayEquals(Tokenization.WHOLE.encode(bytes, text), Tokenization.pieces(4096).encode(bytes, text));
    }

    @Test
    void textViewsGiveTheTwoConventionsStreams() {
        TextSource wiki = DatasetRegistry.resolve("wikitext2-test", Fixtures.datasets()).source();
        ByteTokenizer bytes = new ByteTokenizer();
        // byte counts of the raw file and of CPython's "\n\n".join(rows)
        assertEquals(1_290_590, TokenStreams.of(wiki, TextView.WHOLE_TEXT, bytes, Tokenization.WHOLE).length);
        assertEquals(1_296_370, TokenStreams.of(wiki, TextView.JOINED_ROWS, bytes, Tokenization.WHOLE).length);
        assertArrayEquals(TokenStreams.joinedRows(wiki, bytes, Tokenization.WHOLE),
                TokenStreams.of(wiki, TextView.JOINED_ROWS, bytes, Tokenization.pieces(10_000)));
        List<int[]> rows = TokenStreams.eachRow(wiki, bytes);
        assertEquals(4358, rows.size());
        assertEquals(0, rows.get(0).length);
        assertEquals(" = Robert Boulter = \n".length(), rows.get(1).length);
    }

    /**
     * With a real SentencePiece tokenizer (stories260K's, llama-spm with a dummy prefix) the boundary effect is
     * bounded by the number of pieces: on wiki.test.raw each piece starts with " " and gains one id.
     */
    @Test
    void pieceBoundaryEffectWithSentencePieceIsAtMostOneIdPerPiece() {
        Tokenizer spm = dev.whittle.core.tokenizer.GgufTokenizers.fromGguf(
                Fixtures.root().resolve("models/stories260K/stories260K.gguf"));
        String text = DatasetRegistry.resolve("wikitext2-test", Fixtures.datasets()).source().wholeText();
        int[] whole = Tokenization.WHOLE.encode(spm, text);
        int[] pieces = Tokenization.pieces(16_384).encode(spm, text);
        int count = Tokenization.split(text, 16_384).size();
        int delta = pieces.length - whole.length;
        assertTrue(delta != 0 && Math.abs(delta) <= count, "delta " + delta + " over " + count + " pieces");
        // The first piece is tokenized identically apart from its final words near the cut.
        int firstPiece = spm.encode(Tokenization.split(text, 16_384).get(0)).length;
        assertArrayEquals(java.util.Arrays.copyOf(whole, firstPiece - 5), java.util.Arrays.copyOf(pieces, firstPiece - 5));
    }

    @Test
    void splitEdgeCases() {
        assertEquals(List.of("a\n", "b\n", "c"), Tokenization.split("a\nb\nc", 2));
        // no cut point: the text stays one piece, longer than the limit
        assertEquals(List.of("abcdef"), Tokenization.split("abcdef", 2));
        // a whitespace run is never split: the only cut is before "x"
        assertEquals(List.of("ab\n\n  \n", "x"), Tokenization.split("ab\n\n  \nx", 3));
        assertEquals(List.of(""), Tokenization.split("", 5));
        assertThrows(IllegalArgumentException.class, () -> Tokenization.pieces(0));
    }

    /** A tokenizer that, like SentencePiece with a dummy prefix, marks the start of its input: the boundary effect. */
    @Test
    void boundaryEffectOfAStartMarkingTokenizerIsOneIdPerPiece() {
        List<String> seen = new ArrayList<>();
        Tokenizer marking = new ByteTokenizer() {
            @Override
            public int[] encode(String text) {
                seen.add(text);
                int[] plain = super.encode(text);
                int[] out = new int[plain.length + 1];
                out[0] = 0; // "dummy prefix"
                System.arraycopy(plain, 0, out, 1, plain.length);
                return out;
            }
        };
        String text = "one\ntwo\nthree\nfour\n";
        int[] whole = Tokenization.WHOLE.encode(marking, text);
        int[] pieces = Tokenization.pieces(8).encode(marking, text);
        assertEquals(List.of(text, "one\ntwo\n", "three\n", "four\n"), seen);
        assertEquals(whole.length + 2, pieces.length);
    }
}
