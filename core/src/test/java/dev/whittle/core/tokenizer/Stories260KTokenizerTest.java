package dev.whittle.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The 288 reference cases of the stories260K tokenizer, through the HF tokenizer.json and the GGUF vocab. */
class Stories260KTokenizerTest {
    static final Path GGUF = Fixtures.root().resolve("models/stories260K/stories260K.gguf");
    static final Path HF_DIR = Fixtures.root().resolve("models/stories260K-hf");

    /** The cases' ids start with BOS (1); encode() adds none, so it is dropped here. */
    static List<Fixtures.Case> cases() throws Exception {
        JsonNode root = new ObjectMapper().readTree(Fixtures.root().resolve("models/stories260K/tokenizer_cases.json").toFile());
        List<Fixtures.Case> out = new ArrayList<>();
        for (JsonNode c : root) {
            int[] ids = new int[c.get("ids").size()];
            for (int i = 0; i < ids.length; i++) ids[i] = c.get("ids").get(i).asInt();
            assertEquals(1, ids[0], "every case begins with BOS");
            out.add(new Fixtures.Case(c.get("text").asText(), Arrays.copyOfRange(ids, 1, ids.length)));
        }
        assertEquals(288, out.size());
        return out;
    }

    static int passCount(Tokenizer tok, List<Fixtures.Case> cases, StringBuilder fails) {
        int pass = 0;
        for (Fixtures.Case c : cases) {
            int[] got = tok.encode(c.text());
            if (Arrays.equals(got, c.ids())) pass++;
            else if (fails.length() < 4000) fails.append("\n  '").append(c.text()).append("' expected ")
                    .append(Arrays.toString(c.ids())).append(" got ").append(Arrays.toString(got));
        }
        return pass;
    }

    @Test
    void ggufVocabularyPassesAllCases() throws Exception {
        Tokenizer tok = GgufTokenizers.fromGguf(GGUF);
        assertEquals("llama-spm", tok.kind());
        assertEquals(512, tok.vocabSize());
        assertEquals(1, tok.bosId());
        assertEquals(2, tok.eosId());
        StringBuilder fails = new StringBuilder();
        assertEquals(288, passCount(tok, cases(), fails), fails.toString());
    }

    @Test
    void hfTokenizerJsonPassesAllCases() throws Exception {
        try (HfTokenizer tok = HfTokenizer.fromDirectory(HF_DIR)) {
            assertEquals(512, tok.vocabSize());
            assertEquals(1, tok.bosId());
            assertEquals(2, tok.eosId());
            StringBuilder fails = new StringBuilder();
            assertEquals(288, passCount(tok, cases(), fails), fails.toString());
        }
    }

    @Test
    void decodeInvertsEncodeOnEveryCase() throws Exception {
        Tokenizer gguf = GgufTokenizers.fromGguf(GGUF);
        try (HfTokenizer hf = HfTokenizer.fromDirectory(HF_DIR)) {
            for (Fixtures.Case c : cases()) {
                assertEquals(c.text(), gguf.decode(c.ids()), "GGUF decode");
                assertEquals(c.text(), hf.decode(c.ids()), "HF decode");
            }
        }
    }

    @Test
    void hfEncodesLongTextWithoutTruncation() throws Exception {
        String text = "Once upon a time, there was a little girl named Lily. ".repeat(400);
        Tokenizer gguf = GgufTokenizers.fromGguf(GGUF);
        try (HfTokenizer hf = HfTokenizer.fromDirectory(HF_DIR)) {
            int[] ids = hf.encode(text);
            assertEquals(true, ids.length > 4000, "no truncation at 512: " + ids.length);
            assertEquals(Arrays.toString(gguf.encode(text)), Arrays.toString(ids));
        }
    }
}
