package dev.whittle.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code whittle generate} as a user meets it: the greedy story, the context limit, bad arguments. */
class GenerateCommandTest {
    private static String stories() {
        String p = System.getProperty("whittle.fixtures");
        return (p != null ? Path.of(p) : Path.of("../../shared/fixtures")).resolve("models/stories260K/stories260K.gguf").toString();
    }

    @Test
    void greedyStoryFromTheIssue() {
        CliTest.Run r = CliTest.run("generate", stories(), "-p", "Once upon a time", "-n", "40", "--temperature", "0", "-t", "1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Once upon a time, there was a little girl named Lily. She loved to play outside"), r.out());
        assertTrue(r.err().contains("decode: 40 tokens"), r.err());
    }

    /** The first generated word keeps its space after the prompt, in both tokenizer implementations. */
    @Test
    void theContinuationKeepsItsLeadingSpace() {
        String hf = Path.of(stories()).getParent().resolveSibling("stories260K-hf").toString();
        for (String model : new String[] {stories(), hf}) {
            CliTest.Run r = CliTest.run("generate", model, "-p", "Hello", "-n", "8", "--temperature", "0", "-t", "1");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith("Hello was a big, red ball"), model + ": " + r.out());
            CliTest.Run empty = CliTest.run("generate", model, "-n", "4", "--temperature", "0", "-t", "1");
            assertTrue(empty.out().startsWith("Once upon a time"), model + ": " + empty.out());
        }
    }

    /** P prompt tokens in a 16-position context: 16 − P decodes, then one more token from the last logits. */
    @Test
    void stopsAtTheContextLimitAndSaysSo() {
        CliTest.Run r = CliTest.run("generate", stories(), "-p", "Once upon a time", "-n", "100", "--temperature", "0",
                "-c", "16", "-t", "1");
        assertEquals(0, r.exit(), r.err());
        var m = java.util.regex.Pattern.compile("prefill: (\\d+) tokens").matcher(r.err());
        assertTrue(m.find(), r.err());
        int expected = 16 - Integer.parseInt(m.group(1)) + 1;
        assertTrue(r.err().contains("decode: " + expected + " tokens"), r.err());
        assertTrue(r.err().contains("stopped after " + expected + " of 100 tokens: the model's context of 16 is full"), r.err());
    }

    @Test
    void aPromptLongerThanTheContextIsOneLineAndPrintsNothing() {
        CliTest.Run r = CliTest.run("generate", stories(), "-p", "Once upon a time there was a cat", "-c", "4", "-t", "1");
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().matches("whittle: .*stories260K.gguf: the prompt is \\d+ tokens, more than the model's context of 4\\s*"), r.err());
    }

    @Test
    void negativeCountsAreOneLineErrors() {
        CliTest.Run n = CliTest.run("generate", stories(), "-n", "-1");
        assertEquals(2, n.exit());
        assertEquals("whittle: --tokens must be at least 0, got -1", n.err().strip());
        CliTest.Run c = CliTest.run("generate", stories(), "-c", "-5");
        assertEquals(2, c.exit());
        assertEquals("whittle: --ctx-size must be at least 0, got -5", c.err().strip());
    }
}
