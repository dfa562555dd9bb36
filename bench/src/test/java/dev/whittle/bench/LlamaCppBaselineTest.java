package dev.whittle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LlamaCppBaselineTest {
    @Test
    void parsesTheScriptsResultLine() {
        LlamaCppBaseline.Run r = LlamaCppBaseline.parse(
                "llama.cpp tl-q4_0.gguf threads=2: pp128 172.26 ± 7.67 tok/s, tg32 23.71 ± 1.08 tok/s, cpu=sapphirerapids");
        assertEquals(List.of(new LlamaCppBaseline.Figure("pp128", 172.26, 7.67), new LlamaCppBaseline.Figure("tg32", 23.71, 1.08)), r.figures());
        assertEquals("sapphirerapids", r.cpuVariant());
        assertTrue(r.cpuDescription().contains("AMX"), r.cpuDescription());
    }

    @Test
    void aLineWithoutTheCpuVariantStillParses() {
        LlamaCppBaseline.Run r = LlamaCppBaseline.parse("llama.cpp m.gguf threads=1: pp8 10.00 ± 1.00 tok/s, tg4 5.00 ± 0.50 tok/s");
        assertEquals(2, r.figures().size());
        assertEquals("unknown", r.cpuVariant());
        assertEquals("zen4 (AVX-512 VNNI dot products)", new LlamaCppBaseline.Run(r.figures(), "zen4", List.of()).cpuDescription());
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
