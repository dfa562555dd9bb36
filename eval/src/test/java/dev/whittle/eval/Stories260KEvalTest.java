package dev.whittle.eval;

import dev.whittle.core.convert.ModelConverter;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.tensor.DType;
import dev.whittle.datasets.DatasetRegistry;
import dev.whittle.datasets.TokenStreams;
import dev.whittle.datasets.Tokenization;
import dev.whittle.engine.EngineOptions;
import dev.whittle.engine.InferenceModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Evaluation of the real stories260K model on its in-domain text: the invariants issue 4 asks for. A slice of
 * the chunks keeps the suite fast; `whittle eval` runs the whole set.
 */
class Stories260KEvalTest {
    private static final int CTX = 128;
    private static final int CHUNKS = 40;
    private static Path fixtures;
    private static int[] tokens;

    @BeforeAll
    static void tokenize() {
        String p = System.getProperty("whittle.fixtures");
        fixtures = p != null ? Path.of(p) : Path.of("../../shared/fixtures");
        try (Model m = ModelLoader.open(gguf())) {
            var ds = DatasetRegistry.resolve("tinystories-valid", fixtures.resolve("datasets"));
            tokens = TokenStreams.wholeText(ds.source(), m.tokenizer().orElseThrow(), Tokenization.WHOLE);
        }
    }

    static Path gguf() {
        return fixtures.resolve("models/stories260K/stories260K.gguf");
    }

    static Path hf() {
        return fixtures.resolve("models/stories260K-hf");
    }

    private static PerplexityResult ppl(Path model, int threads, int batch) {
        try (Model m = ModelLoader.open(model); InferenceModel e = InferenceModel.load(m, new EngineOptions(threads, CTX))) {
            LanguageModel lm = EngineLanguageModel.of(m, e).withBatch(batch);
            try (ModelSession s = lm.openSession(threads)) {
                return new Perplexity(lm, new PerplexityProtocol.LlamaCpp(CTX, CHUNKS)).run(s, tokens, ProgressLine.Listener.NONE);
            }
        }
    }

    @Test
    void ggufAndHfGiveTheSamePerplexity() {
        PerplexityResult g = ppl(gguf(), 2, 512), h = ppl(hf(), 2, 512);
        assertEquals(CHUNKS * (CTX - 1 - CTX / 2), g.scoredTokens());
        // stories260K is a 260K-parameter model: in-domain PPL is single digits.
        assertTrue(g.ppl() > 2 && g.ppl() < 10, "ppl " + g.ppl());
        assertEquals(g.ppl(), h.ppl(), g.ppl() * 1e-4, "4 significant digits");
    }

    @Test
    void perplexityDoesNotDependOnThreadsOrBatch() {
        PerplexityResult a = ppl(gguf(), 1, 512), b = ppl(gguf(), 2, 512), c = ppl(gguf(), 2, 37);
        assertEquals(a.ppl(), b.ppl(), 1e-6 * a.ppl());
        assertEquals(a.ppl(), c.ppl(), 1e-6 * a.ppl());
    }

    @Test
    void klDivergenceOfTheModelAgainstItselfIsZero() {
        try (Model m = ModelLoader.open(gguf()); InferenceModel e = InferenceModel.load(m, new EngineOptions(2, CTX))) {
            LanguageModel lm = EngineLanguageModel.of(m, e);
            try (ModelSession s = lm.openSession(2); ModelSession base = lm.openSession(2)) {
                KlResult r = new KlDivergence(lm, new PerplexityProtocol.LlamaCpp(CTX, 10)).run(s, lm, base, tokens, ProgressLine.Listener.NONE);
                assertEquals(0.0, r.metrics().get("kld_mean").value(), 1e-9);
                assertEquals(1.0, r.metrics().get("same_top").value(), 0.0);
            }
        }
    }

    @Test
    void f16LosesLessThanQ8_0(@TempDir Path dir) throws Exception {
        Path f16 = dir.resolve("f16.gguf"), q8 = dir.resolve("q8.gguf");
        try (Model m = ModelLoader.open(gguf())) {
            ModelConverter.convert(m, f16, ModelConverter.Target.GGUF, DType.F16, Progress.NONE);
            ModelConverter.convert(m, q8, ModelConverter.Target.GGUF, DType.Q8_0, Progress.NONE);
        }
        double base = ppl(gguf(), 2, 512).ppl();
        double d16 = Math.abs(ppl(f16, 2, 512).ppl() - base), d8 = Math.abs(ppl(q8, 2, 512).ppl() - base);
        assertTrue(d16 <= d8, "ΔPPL F16 " + d16 + " vs Q8_0 " + d8);
        assertTrue(d8 / base < 0.01, "Q8_0 within 1 %: " + d8 / base);
        assertTrue(Files.size(q8) < Files.size(f16));
        double kld16 = kld(f16), kld8 = kld(q8);
        assertTrue(kld16 <= kld8, "KLD F16 " + kld16 + " vs Q8_0 " + kld8);
        assertTrue(kld16 > 0, "rounding to F16 changes something");
    }

    private static double kld(Path model) {
        try (Model base = ModelLoader.open(gguf()); InferenceModel be = InferenceModel.load(base, new EngineOptions(2, CTX));
             Model m = ModelLoader.open(model); InferenceModel e = InferenceModel.load(m, new EngineOptions(2, CTX))) {
            LanguageModel blm = EngineLanguageModel.of(base, be), lm = EngineLanguageModel.of(m, e);
            try (ModelSession bs = blm.openSession(2); ModelSession s = lm.openSession(2)) {
                return new KlDivergence(lm, new PerplexityProtocol.LlamaCpp(CTX, 20)).run(s, blm, bs, tokens, ProgressLine.Listener.NONE)
                        .metrics().get("kld_mean").value();
            }
        }
    }
}
