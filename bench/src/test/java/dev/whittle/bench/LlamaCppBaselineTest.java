package dev.whittle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LlamaCppBaselineTest {
    @Test
    void parsesTheScriptsResultLine() {
        List<LlamaCppBaseline.Figure> f = LlamaCppBaseline.parse(
                "llama.cpp tl-q4_0.gguf threads=2: pp128 172.26 ± 7.67 tok/s, tg32 23.71 ± 1.08 tok/s");
        assertEquals(List.of(new LlamaCppBaseline.Figure("pp128", 172.26, 7.67), new LlamaCppBaseline.Figure("tg32", 23.71, 1.08)), f);
    }

    @Test
    void aLineWithoutFiguresIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LlamaCppBaseline.parse("Error: model load failed"));
        assertTrue(e.getMessage().contains("model load failed"), e.getMessage());
    }

    /** The script ships with whittle; tests run in a module directory, so it is found in the parent. */
    @Test
    void findsTheBenchScript() {
        assertTrue(LlamaCppBaseline.script().endsWith("scripts/llama-cpp-bench.mjs"));
    }
}
