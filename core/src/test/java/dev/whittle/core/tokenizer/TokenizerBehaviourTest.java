package dev.whittle.core.tokenizer;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.gguf.GgufType;
import dev.whittle.core.gguf.GgufValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerBehaviourTest {
    private static final Path TINYSTORIES = Fixtures.root().resolve("datasets/tinystories-valid-slice/tinystories_val.txt");

    /** decode(expected ids) gives the input back, for every case of the lossless vocabularies. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"llama-spm, 46", "phi-3, 46", "gpt-2, 46", "deepseek-coder, 46", "mpt, 46", "falcon, 46",
            "refact, 46", "starcoder, 46", "deepseek-llm, 46"})
    void decodeInvertsTestVectors(String name, int expected) throws Exception {
        Tokenizer tok = GgufTokenizers.fromGguf(Fixtures.vocab(name));
        int ok = 0;
        StringBuilder bad = new StringBuilder();
        for (Fixtures.Case c : Fixtures.ggmlVocabCases(name)) {
            String back = tok.decode(tok.encode(c.text()));
            if (back.equals(c.text())) ok++;
            else bad.append("\n  '").append(c.text()).append("' -> '").append(back).append("'");
        }
        assertEquals(expected, ok, bad.toString());
    }

    @Test
    void wordPieceDecodesToLowercasedWords() {
        Tokenizer bert = GgufTokenizers.fromGguf(Fixtures.vocab("bert-bge"));
        assertEquals("bert-wordpiece", bert.kind());
        assertEquals("hello, world!", bert.decode(bert.encode("Hello, World!")).replace(" ,", ",").replace(" !", "!"));
        assertEquals(101, bert.bosId()); // [CLS], llama.cpp's default BOS for bert
    }

    @Test
    void wordSplitShortcutEqualsWholeTextMerging() throws Exception {
        String text = Files.readString(TINYSTORIES).substring(0, 60_000) + "  double  spaces\n\n\ttabs ▁ and ▁▁ marks";
        for (String name : List.of("llama-spm", "phi-3")) {
            SentencePieceBpeTokenizer spm = (SentencePieceBpeTokenizer) GgufTokenizers.fromGguf(Fixtures.vocab(name));
            assertArrayEquals(spm.encodeWithoutWordSplit(text), spm.encode(text), name);
        }
        SentencePieceBpeTokenizer stories = (SentencePieceBpeTokenizer) GgufTokenizers.fromGguf(Stories260KTokenizerTest.GGUF);
        assertArrayEquals(stories.encodeWithoutWordSplit(text), stories.encode(text));
    }

    @Test
    void ggufAndHfAgreeOnTinyStories() throws Exception {
        String text = Files.readString(TINYSTORIES).substring(0, 100_000);
        Tokenizer gguf = GgufTokenizers.fromGguf(Stories260KTokenizerTest.GGUF);
        try (HfTokenizer hf = HfTokenizer.fromDirectory(Stories260KTokenizerTest.HF_DIR)) {
            int[] a = gguf.encode(text), b = hf.encode(text);
            assertTrue(a.length > 20_000, "tokens: " + a.length);
            assertArrayEquals(b, a);
            assertEquals(text, gguf.decode(a));
        }
    }

    @Test
    void tokenizersLoadEveryForm(@TempDir Path dir) throws Exception {
        assertEquals("llama-spm", Tokenizers.load(Stories260KTokenizerTest.GGUF).kind());
        try (HfTokenizer a = (HfTokenizer) Tokenizers.load(Stories260KTokenizerTest.HF_DIR);
             HfTokenizer b = (HfTokenizer) Tokenizers.load(Stories260KTokenizerTest.HF_DIR.resolve("tokenizer.json"))) {
            assertArrayEquals(a.encode("Hello world"), b.encode("Hello world"));
        }
        Path txt = Files.writeString(dir.resolve("notes.txt"), "hi");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Tokenizers.load(txt));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
        assertThrows(ModelFormatException.class, () -> Tokenizers.load(dir.resolve("missing.gguf")));
        assertThrows(ModelFormatException.class, () -> Tokenizers.load(dir)); // no tokenizer.json
    }

    private static Map<String, GgufValue> tinyVocab(String model) {
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put(GgufTokenizers.MODEL, GgufValue.string(model));
        md.put(GgufTokenizers.TOKENS, GgufValue.array(GgufType.STRING, List.of("<unk>", "<s>", "</s>", "a", "b", "ab")));
        md.put(GgufTokenizers.TOKEN_TYPE, GgufValue.array(GgufType.INT32, List.of(2, 3, 3, 1, 1, 1)));
        md.put(GgufTokenizers.MERGES, GgufValue.array(GgufType.STRING, List.of("a b")));
        return md;
    }

    @Test
    void unknownModelNamesFileAndModel() {
        Path file = Path.of("some-model.gguf");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufTokenizers.fromMetadata(file, tinyVocab("rwkv")));
        assertEquals("some-model.gguf: unsupported tokenizer model rwkv (supported: llama, gpt2, bert)", e.getMessage());
    }

    @Test
    void malformedMetadataIsAModelFormatException() {
        Path file = Path.of("bad.gguf");
        Map<String, GgufValue> noModel = tinyVocab("llama");
        noModel.remove(GgufTokenizers.MODEL);
        assertTrue(assertThrows(ModelFormatException.class, () -> GgufTokenizers.fromMetadata(file, noModel))
                .getMessage().contains("tokenizer.ggml.model"));

        Map<String, GgufValue> noTokens = tinyVocab("llama");
        noTokens.remove(GgufTokenizers.TOKENS);
        assertTrue(assertThrows(ModelFormatException.class, () -> GgufTokenizers.fromMetadata(file, noTokens))
                .getMessage().contains("tokenizer.ggml.tokens"));

        Map<String, GgufValue> intTokens = tinyVocab("llama");
        intTokens.put(GgufTokenizers.TOKENS, GgufValue.array(GgufType.INT32, List.of(1, 2)));
        assertThrows(ModelFormatException.class, () -> GgufTokenizers.fromMetadata(file, intTokens));

        Map<String, GgufValue> dup = tinyVocab("llama");
        dup.put(GgufTokenizers.TOKENS, GgufValue.array(GgufType.STRING, List.of("a", "b", "a")));
        assertTrue(assertThrows(ModelFormatException.class, () -> GgufTokenizers.fromMetadata(file, dup))
                .getMessage().contains("duplicate token 'a'"));

        Map<String, GgufValue> shortScores = tinyVocab("llama");
        shortScores.put(GgufTokenizers.SCORES, GgufValue.array(GgufType.FLOAT32, List.of(0f)));
        assertThrows(ModelFormatException.class, () -> GgufTokenizers.fromMetadata(file, shortScores));

        Map<String, GgufValue> badPre = tinyVocab("gpt2");
        badPre.put(GgufTokenizers.PRE, GgufValue.string("no-such-pre"));
        assertTrue(assertThrows(ModelFormatException.class, () -> GgufTokenizers.fromMetadata(file, badPre))
                .getMessage().contains("no-such-pre"));

        Map<String, GgufValue> noMerges = tinyVocab("gpt2");
        noMerges.remove(GgufTokenizers.MERGES);
        assertThrows(ModelFormatException.class, () -> GgufTokenizers.fromMetadata(file, noMerges));
    }

    @Test
    void tinyVocabulariesBehave() {
        Tokenizer spm = GgufTokenizers.fromMetadata(null, tinyVocab("llama"));
        assertEquals(1, spm.bosId());
        assertEquals(2, spm.eosId());
        // no "▁" token and no byte tokens: the prefix space falls back to <unk>, "ab" merges
        assertArrayEquals(new int[] {0, 5}, spm.encode("ab"));
        Tokenizer bpe = GgufTokenizers.fromMetadata(null, tinyVocab("gpt2"));
        assertArrayEquals(new int[] {5, 3}, bpe.encode("aba"));
        assertEquals("aba", bpe.decode(new int[] {5, 3}));
        assertEquals("", bpe.decode(new int[] {1, 2})); // control tokens have no text
        assertThrows(IllegalArgumentException.class, () -> bpe.decode(new int[] {6}));
        assertThrows(IllegalArgumentException.class, () -> spm.decode(new int[] {-1}));
    }

    @Test
    void badTokenizerJsonIsAModelFormatException(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": ");
        assertThrows(ModelFormatException.class, () -> HfTokenizer.fromFile(broken));
        Path noModel = Files.writeString(dir.resolve("other.json"), "{\"version\": \"1.0\"}");
        assertThrows(ModelFormatException.class, () -> HfTokenizer.fromFile(noModel));
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> TokenizerConversion.hfToGguf("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}", null, null));
        assertTrue(e.getMessage().contains("unsupported HF tokenizer model WordPiece"), e.getMessage());
        assertThrows(ModelFormatException.class, () -> TokenizerConversion.hfToGguf("[1, 2]", null, null));
    }

    @Test
    void userDefinedTokensAreMatchedLiterally() {
        Tokenizer mpt = GgufTokenizers.fromGguf(Fixtures.vocab("mpt"));
        int[] ids = mpt.encode("a" + " ".repeat(24) + "b");
        // the 24-space run is one user-defined token (id 50254 in GPT-NeoX's vocabulary)
        assertTrue(Arrays.stream(ids).anyMatch(id -> id == 50254), Arrays.toString(ids));
        assertEquals("a" + " ".repeat(24) + "b", mpt.decode(ids));
    }
}
