package dev.whittle.cli.recipe;

import dev.whittle.core.model.Model;
import dev.whittle.core.progress.Progress;
import dev.whittle.eval.Results;
import dev.whittle.eval.ResultsIo;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs a tiny recipe on stories260K (FP32 + F16, 3 chunks of 64 tokens) end to end, then re-runs it. */
class RecipeRunTest {
    @TempDir Path dir;

    /** Counts steps; its quantize fails on purpose so the test does not depend on the quantizer. */
    static final class CountingSteps extends StepExecutor {
        @Override
        protected void quantize(Model model, Step.Quantize q, Path out, Path dataDir, int threads, Progress progress) {
            throw new IllegalStateException("quantizer deliberately broken in this test");
        }
    }

    private final AtomicInteger evaluations = new AtomicInteger();
    private final List<String> log = new ArrayList<>();

    private RecipeRunner.Summary run(Path recipe, Path runDir, CountingSteps steps) {
        Evaluator counting = (o, m, p) -> {
            evaluations.incrementAndGet();
            return Evaluator.IN_PROCESS.evaluate(o, m, p);
        };
        return new RecipeRunner(RecipeParser.parse(recipe), runDir, Fixtures.datasets().toString(), steps, counting, Progress.NONE, log::add).run();
    }

    private Path recipe(int chunks) throws Exception {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, "base: " + Fixtures.stories() + "\n"
                + "eval: {dataset: tinystories-valid, ctx: 64, chunks: " + chunks + "}\n"
                + "measure: [ppl, kld]\nthreads: 2\n"
                + "variants:\n  - name: fp32\n  - name: f16\n    steps: [{step: convert, type: f16}]\n"
                + "  - name: broken\n    steps: [{step: quantize, method: rtn, type: q8_0}]\n");
        return f;
    }

    @Test
    void runsEvaluatesReportsThenSkipsUnchangedVariantsAndResumes() throws Exception {
        Path recipe = recipe(3);
        Path runDir = dir.resolve("run");

        CountingSteps steps = new CountingSteps();
        RecipeRunner.Summary first = run(recipe, runDir, steps);
        assertEquals(List.of(RecipeRunner.Status.RAN, RecipeRunner.Status.RAN, RecipeRunner.Status.FAILED),
                first.outcomes().stream().map(RecipeRunner.Outcome::status).toList());
        assertEquals("quantizer deliberately broken in this test", first.outcomes().get(2).error());
        assertEquals(2, steps.executed());           // convert f16, and the failing quantize
        assertEquals(2, evaluations.get());
        assertTrue(Files.isRegularFile(runDir.resolve("f16/model.gguf")));
        assertFalse(Files.exists(runDir.resolve("fp32/model.gguf")), "the base variant is evaluated in place");
        assertFalse(Files.exists(runDir.resolve("broken/inputs.sha256")));

        Results fp32 = ResultsIo.read(runDir.resolve("fp32/results.json"));
        Results f16 = ResultsIo.read(runDir.resolve("f16/results.json"));
        assertEquals(3, fp32.protocol().chunks());
        assertEquals(3 * (64 - 1 - 32), fp32.protocol().scoredTokens());
        // F16 weights: same perplexity to well under 0.1 %, tiny KLD, per-tensor errors at F16's rounding level
        // (unit roundoff 2^-11 ≈ 4.9e-4; RMS relative rounding error ≈ 2^-11/√3 ≈ 2.8e-4).
        assertEquals(fp32.metrics().get("ppl").value(), f16.metrics().get("ppl").value(), 1e-3 * fp32.metrics().get("ppl").value());
        assertTrue(f16.metrics().get("kld_mean").value() < 1e-4, "kld " + f16.metrics().get("kld_mean").value());
        List<Map.Entry<String, dev.whittle.eval.Metric>> errors = f16.metrics().entrySet().stream()
                .filter(e -> e.getKey().startsWith("quant_error.")).toList();
        assertEquals(36, errors.size(), "7 matrices × 5 layers + the (tied) token embedding; norms stay F32");
        for (var e : errors) {
            assertTrue(e.getValue().value() > 1e-4 && e.getValue().value() < 4.9e-4, e.getKey() + " " + e.getValue().value());
        }
        assertTrue(errors.stream().anyMatch(e -> e.getKey().equals("quant_error.blk.0.attn_q.weight")));
        assertTrue(errors.stream().anyMatch(e -> e.getKey().equals("quant_error.token_embd.weight")));

        // The report lists both evaluated variants with their PPLs.
        var doc = Jsoup.parse(runDir.resolve("report.html").toFile());
        assertEquals(List.of("fp32", "f16"), doc.select("#summary tbody tr").eachAttr("data-variant"));
        assertEquals(f16.metrics().get("ppl").value(),
                Double.parseDouble(doc.selectFirst("tr[data-variant=f16] td[data-key=ppl]").attr("data-value")));
        assertTrue(Files.readString(runDir.resolve("report.md")).contains("| f16 |"));

        // Second run: nothing to do for the two good variants.
        FileTime stamp = Files.getLastModifiedTime(runDir.resolve("f16/results.json"));
        FileTime modelStamp = Files.getLastModifiedTime(runDir.resolve("f16/model.gguf"));
        CountingSteps again = new CountingSteps();
        RecipeRunner.Summary second = run(recipe, runDir, again);
        assertEquals(List.of(RecipeRunner.Status.SKIPPED, RecipeRunner.Status.SKIPPED, RecipeRunner.Status.FAILED),
                second.outcomes().stream().map(RecipeRunner.Outcome::status).toList());
        assertEquals(1, again.executed());   // only the still-broken quantize
        assertEquals(2, evaluations.get());
        assertEquals(stamp, Files.getLastModifiedTime(runDir.resolve("f16/results.json")));
        assertEquals(modelStamp, Files.getLastModifiedTime(runDir.resolve("f16/model.gguf")));

        // Interrupted before its marker was written: only that variant is redone.
        Files.delete(runDir.resolve("f16/inputs.sha256"));
        CountingSteps resume = new CountingSteps();
        RecipeRunner.Summary third = run(recipe, runDir, resume);
        assertEquals(List.of(RecipeRunner.Status.SKIPPED, RecipeRunner.Status.RAN, RecipeRunner.Status.FAILED),
                third.outcomes().stream().map(RecipeRunner.Outcome::status).toList());
        assertEquals(3, evaluations.get());
        assertEquals(2, resume.executed());

        // Changed evaluation settings change every variant's inputs.
        RecipeRunner.Summary fourth = run(recipe(2), runDir, new CountingSteps());
        assertEquals(2, fourth.count(RecipeRunner.Status.RAN));
        assertEquals(5, evaluations.get());
        assertEquals(2, ResultsIo.read(runDir.resolve("fp32/results.json")).protocol().chunks());
        try (var files = Files.walk(runDir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".")).toList(), "no temp files left");
        }
    }

    @Test
    void missingDatasetIsReportedBeforeAnyWork() throws Exception {
        Path recipe = recipe(3);
        var runner = new RecipeRunner(RecipeParser.parse(recipe), dir.resolve("run"), dir.resolve("empty").toString(),
                new CountingSteps(), (o, m, p) -> { throw new AssertionError("no evaluation expected"); }, Progress.NONE, log::add);
        RecipeException e = org.junit.jupiter.api.Assertions.assertThrows(RecipeException.class, runner::run);
        assertTrue(e.getMessage().startsWith(recipe + ": eval.dataset: "), e.getMessage());
        assertFalse(Files.exists(dir.resolve("run")));
    }
}
