package dev.whittle.eval;

import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerplexityTest {
    private static final int V = 7;
    private static final float HIT = 2f;

    /** A stream where about half the transitions are the successor the model favours. */
    private static int[] successorText(int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int[] t = new int[n];
        t[0] = 3;
        for (int i = 1; i < n; i++) {
            t[i] = r.nextBoolean() ? (t[i - 1] + 1) % V : r.nextInt(V);
        }
        return t;
    }

    /** Closed form for {@link BigramModel#successor}: a hit costs ln(e^c + V − 1) − c nats, a miss ln(e^c + V − 1). */
    private static double closedFormPpl(long hits, long misses) {
        double z = Math.log(Math.exp(HIT) + V - 1);
        return Math.exp((hits * (z - HIT) + misses * z) / (hits + misses));
    }

    private static boolean hit(int a, int b) {
        return b == (a + 1) % V;
    }

    @Test
    void llamaCppProtocolScoresSecondHalfWithBosFirstAndMatchesClosedForm() {
        BigramModel model = BigramModel.successor(V, HIT, true);
        int[] text = successorText(100, 1);
        int nCtx = 16;
        List<Double> progress = new ArrayList<>();
        PerplexityResult r;
        try (ModelSession s = model.openSession(1)) {
            r = new Perplexity(model, new PerplexityProtocol.LlamaCpp(nCtx))
                    .run(s, text, (chunk, chunks, ppl) -> progress.add(ppl));
        }
        // llama.cpp tokenizes with BOS: 101 tokens -> 6 chunks of 16, each scoring logits 8..14 -> tokens 9..15.
        int[] stream = new int[101];
        System.arraycopy(text, 0, stream, 1, 100);
        long hits = 0;
        long misses = 0;
        for (int i = 0; i < 6; i++) {
            for (int j = 8; j <= 14; j++) {
                if (hit(stream[16 * i + j], stream[16 * i + j + 1])) {
                    hits++;
                } else {
                    misses++;
                }
            }
        }
        assertEquals(6, r.chunks());
        assertEquals(6 * 7, r.scoredTokens());
        assertEquals(6 * (nCtx - 1 - nCtx / 2), r.scoredTokens());
        assertEquals(closedFormPpl(hits, misses), r.ppl(), 1e-9);
        assertEquals(6, model.logitCalls.size());
        for (int i = 0; i < 6; i++) {
            int[] input = model.logitCalls.get(i);
            assertEquals(nCtx, input.length);
            assertEquals(0, input[0], "chunk " + i + " must start with BOS");
            for (int j = 1; j < nCtx; j++) {
                assertEquals(text[16 * i + j - 1], input[j]);
            }
            assertEquals(nCtx / 2, model.firstOutputs.get(i));
        }
        assertEquals(6, progress.size());
        assertEquals(r.ppl(), progress.get(5), 0);
        assertTrue(r.progressLine().startsWith(String.format(java.util.Locale.ROOT, "[1]%.4f,[2]", r.runningPpl()[0])));
    }

    @Test
    void papersProtocolScoresEveryPredictionWithoutBos() {
        BigramModel model = BigramModel.successor(V, HIT, true);
        int[] text = successorText(100, 2);
        PerplexityResult r;
        try (ModelSession s = model.openSession(1)) {
            r = new Perplexity(model, new PerplexityProtocol.Papers(16)).run(s, text, ProgressLine.Listener.NONE);
        }
        long hits = 0;
        long misses = 0;
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 15; j++) {
                if (hit(text[16 * i + j], text[16 * i + j + 1])) {
                    hits++;
                } else {
                    misses++;
                }
            }
        }
        assertEquals(6, r.chunks());
        assertEquals(6 * 15, r.scoredTokens());
        assertEquals(closedFormPpl(hits, misses), r.ppl(), 1e-9);
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(text, 16 * i, 16 * i + 16), model.logitCalls.get(i));
            assertEquals(0, model.firstOutputs.get(i));
        }
    }

    @Test
    void slidingWindowScoresEveryTokenButTheFirstExactlyOnce() {
        BigramModel model = BigramModel.successor(V, HIT, false);
        int[] text = successorText(100, 3);
        PerplexityProtocol p = new PerplexityProtocol.Sliding(16, 5, 0);
        Set<Integer> targets = new HashSet<>();
        int scored = 0;
        for (EvalWindow w : p.plan(text, model)) {
            assertTrue(w.input().length <= 16);
            for (int j = w.firstScored(); j < w.input().length - 1; j++) {
                assertTrue(targets.add(w.start() + j + 1), "target scored twice");
                scored++;
            }
        }
        assertEquals(99, scored);
        assertEquals(99, targets.size());
        PerplexityResult r;
        try (ModelSession s = model.openSession(1)) {
            r = new Perplexity(model, p).run(s, text, ProgressLine.Listener.NONE);
        }
        long hits = 0;
        for (int i = 0; i < 99; i++) {
            hits += hit(text[i], text[i + 1]) ? 1 : 0;
        }
        // A bigram model ignores context beyond one token, so the sliding PPL is the whole-stream closed form.
        assertEquals(closedFormPpl(hits, 99 - hits), r.ppl(), 1e-9);
        assertEquals(99, r.scoredTokens());
    }

    @Test
    void standardErrorMatchesDirectComputation() {
        int v = 30;
        BigramModel model = BigramModel.random(v, 3f, 7);
        int[] text = BigramModel.randomTokens(v, 200, 8);
        PerplexityResult r;
        try (ModelSession s = model.openSession(1)) {
            r = new Perplexity(model, new PerplexityProtocol.Papers(32)).run(s, text, ProgressLine.Listener.NONE);
        }
        List<Double> nlls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 31; j++) {
                float[] row = model.table[text[32 * i + j]];
                double z = 0;
                for (float x : row) {
                    z += Math.exp(x);
                }
                nlls.add(Math.log(z) - row[text[32 * i + j + 1]]);
            }
        }
        double[] xs = nlls.stream().mapToDouble(Double::doubleValue).toArray();
        double mean = java.util.Arrays.stream(xs).average().orElseThrow();
        double se = new StandardDeviation(true).evaluate(xs) / Math.sqrt(xs.length);
        assertEquals(186, r.scoredTokens());
        assertEquals(mean, r.meanNll(), 1e-12);
        assertEquals(se, r.nllStderr(), 1e-12 * se);
        assertEquals(1.959963984540054, Confidence.Z95, 1e-12);
        assertEquals(Math.exp(mean - 1.959963984540054 * se), r.pplCi95()[0], 1e-9);
        assertEquals(Math.exp(mean + 1.959963984540054 * se), r.pplCi95()[1], 1e-9);
        assertEquals(r.ppl() * se, r.pplStderr(), 1e-12);
        // Rows are scored in parallel but summed in order: a second run is bit-identical.
        PerplexityResult again;
        try (ModelSession s = model.openSession(1)) {
            again = new Perplexity(model, new PerplexityProtocol.Papers(32)).run(s, text, ProgressLine.Listener.NONE);
        }
        assertEquals(r.meanNll(), again.meanNll(), 0);
        assertEquals(r.nllStderr(), again.nllStderr(), 0);
    }

    @Test
    void refusesShortTextsAndOutOfVocabularyTokens() {
        BigramModel model = BigramModel.successor(V, HIT, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PerplexityProtocol.LlamaCpp(64).plan(successorText(100, 1), model));
        assertTrue(e.getMessage().contains("at least 128 tokens"), e.getMessage());
        int[] bad = successorText(40, 1);
        bad[20] = V;
        try (ModelSession s = model.openSession(1)) {
            assertThrows(IllegalArgumentException.class,
                    () -> new Perplexity(model, new PerplexityProtocol.Papers(8)).run(s, bad, ProgressLine.Listener.NONE));
        }
        assertThrows(IllegalArgumentException.class, () -> new Perplexity(
                new BigramModel(model.table, true, 0, 8), new PerplexityProtocol.Papers(16)));
    }

    @Test
    void logSoftmaxIsStableForHugeLogits() {
        float[] row = {1e30f, 1e30f - 1e24f, -1e30f};
        double[] lp = new double[3];
        LogSoftmax.logProbs(row, 0, 3, lp);
        // The two largest differ by 1e24 in float, so the second is e^-1e24 ≈ 0: log p0 = 0 exactly.
        assertEquals(0.0, lp[0], 0);
        assertTrue(Double.isFinite(lp[1]) && lp[1] < -1e23);
        float[] equal = {1000f, 1000f};
        LogSoftmax.logProbs(equal, 0, 2, lp);
        assertEquals(-Math.log(2), lp[0], 1e-15);
    }
}
