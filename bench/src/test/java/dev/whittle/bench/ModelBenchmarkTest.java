package dev.whittle.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.synth.SynthPreset;
import dev.whittle.core.synth.SyntheticModel;
import dev.whittle.core.tensor.DType;
import dev.whittle.engine.EngineOptions;
import dev.whittle.engine.InferenceModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark on a tiny synthetic model: counts and shapes of the results, never their speed. */
class ModelBenchmarkTest {
    @TempDir static Path dir;
    static SyntheticModel.Result written;
    static Model model;
    static InferenceModel engine;

    @BeforeAll
    static void load() throws Exception {
        written = SyntheticModel.writeGguf(SynthPreset.TINY_TEST, DType.F32, 1, dir.resolve("tiny.gguf"));
        model = ModelLoader.open(written.path());
        engine = InferenceModel.load(model, new EngineOptions(2, 0));
    }

    @AfterAll
    static void close() {
        engine.close();
        model.close();
    }

    @Test
    void runsPrefillAndGenerationWithTheRequestedCounts() {
        List<String> progress = new ArrayList<>();
        List<BenchResult> rs = new ModelBenchmark(engine, 1).run(new ModelBenchmark.Settings(8, 4, 2, 7), progress::add);

        assertEquals(2, rs.size());
        BenchResult pp = rs.get(0), tg = rs.get(1);
        assertEquals("pp8", pp.name());
        assertEquals(8, pp.nPrompt());
        assertEquals(0, pp.nGen());
        assertEquals("tg4", tg.name());
        assertEquals(0, tg.nPrompt());
        assertEquals(4, tg.nGen());
        for (BenchResult r : rs) {
            assertEquals(2, r.threads());
            assertEquals(2, r.samplesNs().length);
            assertEquals(2, r.samplesTs().length);
            for (double ts : r.samplesTs()) assertTrue(ts > 0 && Double.isFinite(ts), r + ": " + ts);
            assertTrue(r.avgTs() > 0 && Double.isFinite(r.avgTs()));
            assertTrue(r.stddevTs() >= 0 && Double.isFinite(r.stddevTs()));
        }
        // One warm-up line and two run lines per test.
        assertEquals(6, progress.size(), progress.toString());
    }

    /**
     * Warm-up runs continue for the warm-up time, and their tokens come from their own stream: the timed runs see the
     * same tokens however many warm-up runs there were (same tokens, same logits: the engine is deterministic).
     */
    @Test
    void warmUpRunsForItsTimeAndLeavesTheTimedTokensAlone() {
        ModelBenchmark b = new ModelBenchmark(engine, 1);
        List<String> progress = new ArrayList<>();
        b.run(new ModelBenchmark.Settings(8, 0, 1, 7, 0.3), progress::add);
        String warm = progress.get(0);
        int runs = Integer.parseInt(warm.replaceAll(".*warm-up, (\\d+) untimed run.*", "$1"));
        assertTrue(runs > 1, "a tiny model's pp8 runs many times in 0.3 s: " + warm);
        assertTrue(runs <= ModelBenchmark.MAX_WARMUP_RUNS, warm);
        double seconds = Double.parseDouble(warm.replaceAll(".* in ([0-9.]+) s.*", "$1"));
        if (seconds < ModelBenchmark.MAX_WARMUP_SECONDS) {
            assertTrue(runs >= ModelBenchmark.MIN_WARMUP_PASSES, "a warm-up within its cap makes the minimum passes: " + warm);
        }
        List<String> one = new ArrayList<>();
        b.run(new ModelBenchmark.Settings(8, 0, 1, 7), one::add);
        assertTrue(one.get(0).contains("warm-up, 1 untimed run in"), one.get(0));
    }

    @Test
    void zeroLengthTestsAreSkippedLikeLlamaBench() {
        ModelBenchmark b = new ModelBenchmark(engine, -1);
        List<BenchResult> onlyTg = b.run(new ModelBenchmark.Settings(0, 3, 1, 1), s -> {});
        assertEquals(List.of("tg3"), onlyTg.stream().map(BenchResult::name).toList());
        List<BenchResult> onlyPp = b.run(new ModelBenchmark.Settings(5, 0, 1, 1), s -> {});
        assertEquals(List.of("pp5"), onlyPp.stream().map(BenchResult::name).toList());
        assertEquals(List.of(), b.run(new ModelBenchmark.Settings(0, 0, 1, 1), s -> {}));
    }

    @Test
    void lengthsBeyondTheContextAndBadSettingsAreRefused() {
        ModelBenchmark b = new ModelBenchmark(engine, 1);
        int ctx = SynthPreset.TINY_TEST.config().contextLength();
        var e = assertThrows(IllegalArgumentException.class, () -> b.prefillTest(ctx + 1, 1, 1, 0, s -> {}));
        assertTrue(e.getMessage().contains("context of " + ctx), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ModelBenchmark.Settings(8, 4, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ModelBenchmark.Settings(-1, 4, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ModelBenchmark.Settings(8, 4, 1, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> new ModelBenchmark.Settings(8, 4, 1, 1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ModelBenchmark(engine, 300));
    }

    @Test
    void factsMatchWhatTheWriterWrote() {
        ModelFacts f = ModelFacts.of(written.path().toString(), "tiny.gguf", model.config(), model.tensors());
        assertEquals(written.parameters(), f.parameters());
        assertEquals(written.bytes(), f.sizeBytes());
        assertEquals(DType.F32, f.dominantDtype());
        assertEquals("tiny.gguf F32", f.label());
        // Untied: the 300 × 64 F32 embedding table is looked up by row, not read per token.
        assertEquals(written.bytes() - 300L * 64 * 4, f.decodeBytesPerToken());
    }

    @Test
    void jsonOfARealRunHasLlamaBenchCounts() throws Exception {
        List<BenchResult> rs = new ModelBenchmark(engine, 1).run(new ModelBenchmark.Settings(8, 4, 2, 7), s -> {});
        ModelFacts f = ModelFacts.of(written.path().toString(), "tiny.gguf", model.config(), model.tensors());
        JsonNode arr = new ObjectMapper().readTree(BenchJson.write(ModelBenchReport.of(f, rs, null)));
        assertEquals(2, arr.size());
        assertEquals(8, arr.get(0).get("n_prompt").asInt());
        assertEquals(0, arr.get(0).get("n_gen").asInt());
        assertEquals(0, arr.get(1).get("n_prompt").asInt());
        assertEquals(4, arr.get(1).get("n_gen").asInt());
        for (JsonNode o : arr) {
            assertEquals(2, o.get("samples_ns").size());
            assertEquals(2, o.get("samples_ts").size());
            assertEquals(2, o.get("n_threads").asInt());
            assertEquals(written.parameters(), o.get("model_n_params").asLong());
        }
    }
}
