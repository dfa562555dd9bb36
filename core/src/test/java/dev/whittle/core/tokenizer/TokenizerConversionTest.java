package dev.whittle.core.tokenizer;

import dev.whittle.core.gguf.GgufFile;
import dev.whittle.core.gguf.GgufValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** HF tokenizer.json ↔ GGUF tokenizer metadata, checked by running the converted tokenizer on reference cases. */
class TokenizerConversionTest {

    private static Path writeHf(Path dir, TokenizerConversion.HfTokenizerFiles files) throws Exception {
        files.writeTo(dir);
        assertEquals(files.tokenizerJson(), Files.readString(dir.resolve("tokenizer.json")));
        try (var listing = Files.list(dir)) {
            assertEquals(3, listing.count(), "exactly the three files, no temp files left");
        }
        return dir;
    }

    @Test
    void storiesGgufVocabToTokenizerJsonPassesAllCases(@TempDir Path dir) throws Exception {
        Map<String, GgufValue> md;
        try (GgufFile f = GgufFile.open(Stories260KTokenizerTest.GGUF)) {
            md = f.metadata();
            writeHf(dir, TokenizerConversion.ggufToHf(f.path(), md));
        }
        try (HfTokenizer hf = HfTokenizer.fromDirectory(dir)) {
            assertEquals(512, hf.vocabSize());
            assertEquals(1, hf.bosId());
            assertEquals(2, hf.eosId());
            StringBuilder fails = new StringBuilder();
            List<Fixtures.Case> cases = Stories260KTokenizerTest.cases();
            assertEquals(288, Stories260KTokenizerTest.passCount(hf, cases, fails), fails.toString());
            for (Fixtures.Case c : cases) assertEquals(c.text(), hf.decode(c.ids()));
        }
    }

    @Test
    void storiesTokenizerJsonToGgufMetadataPassesAllCases() throws Exception {
        Map<String, GgufValue> md = TokenizerConversion.hfDirectoryToGguf(Stories260KTokenizerTest.HF_DIR);
        assertEquals("llama", md.get(GgufTokenizers.MODEL).asString());
        Tokenizer tok = GgufTokenizers.fromMetadata(null, md);
        assertEquals("llama-spm", tok.kind());
        assertEquals(1, tok.bosId());
        assertEquals(2, tok.eosId());
        assertEquals(0, md.get(GgufTokenizers.UNK_ID).asLong());
        StringBuilder fails = new StringBuilder();
        assertEquals(288, Stories260KTokenizerTest.passCount(tok, Stories260KTokenizerTest.cases(), fails), fails.toString());
        // same token list and types as the GGUF the HF files were made from
        try (GgufFile f = GgufFile.open(Stories260KTokenizerTest.GGUF)) {
            assertEquals(f.metadata().get(GgufTokenizers.TOKENS).asList(), md.get(GgufTokenizers.TOKENS).asList());
            assertEquals(f.metadata().get(GgufTokenizers.TOKEN_TYPE).asList().stream().map(o -> ((Number) o).intValue()).toList(),
                    md.get(GgufTokenizers.TOKEN_TYPE).asList().stream().map(o -> ((Number) o).intValue()).toList());
        }
    }

    /** llama.cpp's vectors through HF after GGUF → tokenizer.json, and through us after the way back. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gpt-2", "llama-spm", "deepseek-coder"})
    void ggmlVocabRoundTripsThroughTokenizerJson(String name, @TempDir Path dir) throws Exception {
        Map<String, GgufValue> md;
        try (GgufFile f = GgufFile.open(Fixtures.vocab(name))) {
            md = f.metadata();
            writeHf(dir, TokenizerConversion.ggufToHf(f.path(), md));
        }
        List<Fixtures.Case> cases = Fixtures.ggmlVocabCases(name);
        int pass = 0;
        StringBuilder fails = new StringBuilder();
        try (HfTokenizer hf = HfTokenizer.fromDirectory(dir)) {
            for (Fixtures.Case c : cases) {
                int[] got = hf.encode(c.text());
                if (Arrays.equals(got, c.ids())) pass++;
                else fails.append("\n  '").append(c.text()).append("' expected ").append(Arrays.toString(c.ids()))
                        .append(" got ").append(Arrays.toString(got));
            }
        }
        System.out.println(name + " via tokenizer.json: " + pass + "/" + cases.size() + fails);
        assertEquals(cases.size(), pass, fails.toString());

        Tokenizer back = GgufTokenizers.fromMetadata(null, TokenizerConversion.hfDirectoryToGguf(dir));
        StringBuilder fails2 = new StringBuilder();
        int pass2 = 0;
        for (Fixtures.Case c : cases) {
            int[] got = back.encode(c.text());
            if (Arrays.equals(got, c.ids())) pass2++;
            else fails2.append("\n  '").append(c.text()).append("' got ").append(Arrays.toString(got));
        }
        assertEquals(cases.size(), pass2, fails2.toString());
    }
}
