package dev.whittle.eval;

import dev.whittle.core.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KlDivergenceTest {

    private static KlResult live(BigramModel model, BigramModel base, PerplexityProtocol p, int[] text) {
        try (ModelSession s = model.openSession(1); ModelSession b = base.openSession(1)) {
            return new KlDivergence(model, p).run(s, base, b, text, ProgressLine.Listener.NONE);
        }
    }

    @Test
    void modelAgainstItselfHasZeroDivergenceAndFullAgreement() {
        BigramModel model = BigramModel.random(40, 4f, 11);
        int[] text = BigramModel.randomTokens(40, 200, 12);
        KlResult r = live(model, model, new PerplexityProtocol.Papers(32), text);
        assertEquals(6 * 31, r.scoredTokens());
        assertEquals(0.0, r.kld().value(), 0);
        assertEquals(0.0, r.kldPercentiles().max(), 0);
        assertEquals(0.0, r.kldPercentiles().min(), 0);
        assertEquals(1.0, r.sameTop().value(), 0);
        assertEquals(0.0, r.sameTop().stderr(), 0);
        assertEquals(0.0, r.deltaP().value(), 0);
        assertEquals(0.0, r.rmsDeltaP().value(), 0);
        assertEquals(0.0, r.lnPplRatio().value(), 0);
        assertEquals(1.0, r.pplRatio().value(), 0);
        assertEquals(r.pplBase(), r.pplModel(), 0);
        assertEquals(1.0, r.nllCorrelation(), 1e-9);
    }

    @Test
    void divergenceOfTwoKnownDistributionsMatchesClosedForm() {
        double a = 1.5;
        double b = -0.5;
        BigramModel base = BigramModel.constantRows(4, new float[] {(float) a, 0, 0, 0});
        BigramModel model = BigramModel.constantRows(4, new float[] {(float) b, 0, 0, 0});
        int[] text = BigramModel.randomTokens(4, 64, 13);
        KlResult r = live(model, base, new PerplexityProtocol.Papers(16), text);

        double p1 = Math.exp(a) / (Math.exp(a) + 3);
        double p0 = 1 / (Math.exp(a) + 3);
        double q1 = Math.exp(b) / (Math.exp(b) + 3);
        double q0 = 1 / (Math.exp(b) + 3);
        double kl = p1 * Math.log(p1 / q1) + 3 * p0 * Math.log(p0 / q0);
        assertEquals(kl, r.kld().value(), 1e-14);
        assertEquals(kl, r.kldPercentiles().median(), 1e-14);
        assertEquals(kl, r.kldPercentiles().quantile(0.99), 1e-14);
        assertTrue(r.kld().stderr() < 1e-9);
        // base's top token is 0; the model's is 1 (first of the tied zeros): never the same.
        assertEquals(0.0, r.sameTop().value(), 0);

        int zeros = 0;
        int n = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = 1; j < 16; j++) {
                zeros += text[16 * i + j] == 0 ? 1 : 0;
                n++;
            }
        }
        double expectedDp = (zeros * (q1 - p1) + (n - zeros) * (q0 - p0)) / n;
        assertEquals(60, r.scoredTokens());
        assertEquals(expectedDp, r.deltaP().value(), 1e-14);
        double expectedRms = Math.sqrt((zeros * (q1 - p1) * (q1 - p1) + (n - zeros) * (q0 - p0) * (q0 - p0)) / n);
        assertEquals(expectedRms, r.rmsDeltaP().value(), 1e-14);
        assertEquals(Math.max(Math.abs(q1 - p1), Math.abs(q0 - p0)), r.maxAbsDeltaP(), 1e-14);
    }

    @Test
    void savedBaseLogitsReproduceKldWithinTheQuantisationBound(@TempDir Path dir) throws IOException {
        int v = 50;
        BigramModel base = new BigramModel(BigramModel.random(v, 5f, 21).table, true, 0, 1 << 16);
        float[][] perturbed = BigramModel.random(v, 5f, 21).table;
        float[][] noise = BigramModel.random(v, 1f, 22).table;
        for (int a = 0; a < v; a++) {
            for (int i = 0; i < v; i++) {
                perturbed[a][i] += noise[a][i];
            }
        }
        BigramModel model = new BigramModel(perturbed, true, 0, 1 << 16);
        int[] text = BigramModel.randomTokens(v, 200, 23);
        PerplexityProtocol p = new PerplexityProtocol.LlamaCpp(32);
        Path file = dir.resolve("base.logits");

        PerplexityResult basePpl;
        try (ModelSession b = base.openSession(1)) {
            basePpl = KlDivergence.saveBase(base, b, p, text, file, ProgressLine.Listener.NONE);
        }
        // 201 tokens with BOS -> 6 chunks × (32 - 1 - 16) rows.
        assertEquals(90, basePpl.scoredTokens());
        assertEquals(BaseLogitsFile.fileBytes(v, 90), Files.size(file));
        assertEquals(88 + 90 * (16 + 2 * v), Files.size(file));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList(), "no temp file may be left behind");
        }

        // Row by row: every kept log-probability within δ = step/2, and the KL within the stated bound.
        List<EvalWindow> windows = p.plan(text, base);
        BaseLogitsFile.Header header = BaseLogitsFile.Header.expected(base, p, text, 90);
        double maxBound = 0;
        double maxDelta = 0;
        try (BaseLogitsReader reader = new BaseLogitsReader(file, header)) {
            long row = 0;
            for (EvalWindow w : windows) {
                for (int j = w.firstScored(); j < w.input().length - 1; j++) {
                    float[] baseRow = base.table[w.input()[j]];
                    float[] modelRow = model.table[w.input()[j]];
                    BaseRow exact = BaseRow.fromLogits(baseRow, 0, v, w.target(j));
                    double delta = reader.halfStep(row);
                    BaseRow decoded = reader.next();
                    assertEquals(exact.top1(), decoded.top1());
                    assertEquals(exact.targetNll(), decoded.targetNll(), 1e-6 * exact.targetNll());
                    double spread = 0;
                    double[] m = new double[v];
                    LogSoftmax.logProbs(modelRow, 0, v, m);
                    for (int i = 0; i < v; i++) {
                        assertTrue(Math.abs(decoded.logProbs()[i] - exact.logProbs()[i]) <= delta * (1 + 1e-9),
                                "row " + row + " entry " + i);
                        spread += Math.exp(exact.logProbs()[i]) * Math.abs(exact.logProbs()[i] - m[i]);
                    }
                    double bound = delta * Math.exp(delta) + Math.expm1(delta) * spread;
                    double klExact = KlDivergence.klDivergence(exact.logProbs(), modelRow, 0, v);
                    double klFile = KlDivergence.klDivergence(decoded.logProbs(), modelRow, 0, v);
                    assertTrue(Math.abs(klFile - klExact) <= bound + 1e-15, "row " + row);
                    maxBound = Math.max(maxBound, bound);
                    maxDelta = Math.max(maxDelta, delta);
                    row++;
                }
            }
        }
        // Logit range ≤ 10 nats here, so δ ≤ 10/65534/2; in general δ ≤ 24/65534/2 ≈ 1.83e-4.
        assertTrue(maxDelta <= 10.0 / 65534 / 2 * (1 + 1e-6), "delta " + maxDelta);

        KlResult fromLive = live(model, base, p, text);
        KlResult fromFile;
        try (ModelSession s = model.openSession(1)) {
            fromFile = new KlDivergence(model, p).run(s, file, text, ProgressLine.Listener.NONE);
        }
        assertEquals(fromLive.scoredTokens(), fromFile.scoredTokens());
        assertTrue(fromLive.kld().value() > 0.1, "the perturbation must be visible");
        assertEquals(fromLive.kld().value(), fromFile.kld().value(), maxBound);
        assertEquals(fromLive.sameTop().value(), fromFile.sameTop().value(), 0);
        assertEquals(fromLive.pplModel(), fromFile.pplModel(), 0);
        assertEquals(fromLive.pplBase(), fromFile.pplBase(), 1e-6 * fromLive.pplBase());
        assertEquals(basePpl.ppl(), fromLive.pplBase(), 1e-12);
    }

    @Test
    void savedBaseLogitsRefuseOtherDataWithOneLineErrors(@TempDir Path dir) throws IOException {
        int v = 20;
        BigramModel base = BigramModel.random(v, 3f, 31);
        int[] text = BigramModel.randomTokens(v, 100, 32);
        PerplexityProtocol p = new PerplexityProtocol.Papers(16);
        Path file = dir.resolve("base.logits");
        try (ModelSession b = base.openSession(1)) {
            KlDivergence.saveBase(base, b, p, text, file, ProgressLine.Listener.NONE);
        }
        int[] other = text.clone();
        other[50] = (other[50] + 1) % v;
        assertRefused(base, p, file, other, "different token stream");
        assertRefused(base, new PerplexityProtocol.Papers(20), file, text, "protocol");
        assertRefused(base, new PerplexityProtocol.LlamaCpp(16), file, text, "protocol");
        assertRefused(BigramModel.random(v + 1, 3f, 31), p, file, text, "n_vocab");
        assertRefused(base, p, file, java.util.Arrays.copyOf(text, 99), "tokens");

        Path truncated = dir.resolve("truncated.logits");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertRefused(base, p, truncated, text, "truncated");
        Path badMagic = dir.resolve("bad.logits");
        bytes[0] = 'X';
        Files.write(badMagic, bytes);
        assertRefused(base, p, badMagic, text, "bad magic");
        Path tiny = dir.resolve("tiny.logits");
        Files.write(tiny, new byte[10]);
        assertRefused(base, p, tiny, text, "too short");
    }

    private static void assertRefused(BigramModel model, PerplexityProtocol p, Path file, int[] text, String what) {
        try (ModelSession s = model.openSession(1)) {
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> new KlDivergence(model, p).run(s, file, text, ProgressLine.Listener.NONE));
            assertTrue(e.getMessage().contains(what), e.getMessage());
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    @Test
    void entriesFarBelowTheTopAreDroppedAndCountAsZero(@TempDir Path dir) {
        float[] row = {0f, -30f, -2f, -23.5f};
        int[] text = {0, 1, 2, 3, 0, 1, 2, 3};
        BigramModel base = BigramModel.constantRows(4, row);
        PerplexityProtocol p = new PerplexityProtocol.Papers(8);
        Path file = dir.resolve("b.logits");
        try (ModelSession s = base.openSession(1)) {
            KlDivergence.saveBase(base, s, p, text, file, ProgressLine.Listener.NONE);
        }
        double[] exact = new double[4];
        LogSoftmax.logProbs(row, 0, 4, exact);
        try (BaseLogitsReader r = new BaseLogitsReader(file, BaseLogitsFile.Header.expected(base, p, text, 7))) {
            BaseRow decoded = r.next();
            assertEquals(Double.NEGATIVE_INFINITY, decoded.logProbs()[1], "30 nats below the top is dropped");
            for (int i : new int[] {0, 2, 3}) {
                assertEquals(exact[i], decoded.logProbs()[i], r.halfStep(0) * (1 + 1e-9));
            }
            assertTrue(r.halfStep(0) <= BaseLogitsFile.FLOOR_RANGE / 65534 / 2 * (1 + 1e-6));
            // The dropped entry (p ≈ 9e-14) contributes nothing; the rest match the exact KL of a tilted row.
            float[] model = {0f, -1f, -2f, -3f};
            double klExact = KlDivergence.klDivergence(exact, model, 0, 4);
            double klFile = KlDivergence.klDivergence(decoded.logProbs(), model, 0, 4);
            assertEquals(klExact, klFile, 1e-3);
        }
    }
}
