package dev.whittle.core.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreTokenizerTest {
    private static final String SAMPLE = "Hello World's  33 333333 ½!\n\n\t  (x) 我想在apple工作 🦙.cpp нещо \u00a0end  ";

    @Test
    void everyKnownPreTokenizerPartitionsTheText() {
        for (String name : List.of("default", "gpt-2", "mpt", "llama-bpe", "llama3", "qwen2", "falcon", "starcoder", "refact",
                "deepseek-coder", "deepseek-llm", "deepseek-v3", "gpt-4o", "tekken", "bloom", "viking", "smollm")) {
            PreTokenizer p = PreTokenizer.forName(name);
            assertNotNull(p, name);
            List<String> pieces = p.split(SAMPLE);
            assertEquals(SAMPLE, String.join("", pieces), name);
            assertTrue(pieces.stream().noneMatch(String::isEmpty), name);
            assertTrue(pieces.size() > 10, name + ": " + pieces);
        }
        assertNull(PreTokenizer.forName("no-such-pre"));
        assertEquals("default", PreTokenizer.forName(null).name());
    }

    @Test
    void knownSplits() {
        assertEquals(List.of("Hello", " world", "'s", " ", " 33", "!"), PreTokenizer.forName("gpt-2").split("Hello world's  33!"));
        // llama3: case-insensitive contractions, digits in threes, newlines kept together
        assertEquals(List.of("Hello", " WORLD", "'S", " ", "123", "45", "\n\n", "x"),
                PreTokenizer.forName("llama-bpe").split("Hello WORLD'S 12345\n\nx"));
        // starcoder: every digit alone
        assertEquals(List.of("a", " ", "1", "2"), PreTokenizer.forName("starcoder").split("a 12"));
        assertEquals(List.of("Hello", " World's", " ", "123", "45"), PreTokenizer.forName("gpt-4o").split("Hello World's 12345"));
    }
}
