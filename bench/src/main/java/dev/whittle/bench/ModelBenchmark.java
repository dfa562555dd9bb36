package dev.whittle.bench;

import dev.whittle.engine.InferenceModel;
import dev.whittle.engine.Session;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Prompt-processing and generation speed measured as llama-bench measures them, through the engine's public
 * session API only.
 * <ul>
 * <li>pp<i>p</i>: one {@code prefill} of <i>p</i> seeded random token ids into a fresh session; t/s = p / seconds.
 * <li>tg<i>g</i>: <i>g</i> single-token {@code decode} calls from a fresh (empty) session; t/s = g / seconds.
 * </ul>
 * Each test runs once untimed (the JIT and caches warm up), then {@code repetitions} timed times. The first token
 * is BOS when the model has one, the rest uniform random ids, as in llama-bench; sampling is not timed because
 * llama-bench does not sample either.
 */
public final class ModelBenchmark {
    private static final long GEN_SEED_SALT = 0x9E3779B97F4A7C15L;

    /**
     * @param prompt      pp test length; 0 skips the test
     * @param gen         tg test length; 0 skips the test
     * @param repetitions timed runs per test, after one warm-up run
     * @param seed        seed of the random token ids
     */
    public record Settings(int prompt, int gen, int repetitions, long seed) {
        public static final int DEFAULT_PROMPT = 512;
        public static final int DEFAULT_GEN = 128;
        public static final int DEFAULT_REPETITIONS = 5;

        public Settings {
            if (prompt < 0 || gen < 0) throw new IllegalArgumentException("prompt and gen lengths must be >= 0, got " + prompt + " and " + gen);
            if (repetitions < 1) throw new IllegalArgumentException("repetitions must be at least 1, got " + repetitions);
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_PROMPT, DEFAULT_GEN, DEFAULT_REPETITIONS, 1);
        }
    }

    private final InferenceModel engine;
    private final int bosId;

    /**
     * @param engine the loaded model; its {@link dev.whittle.engine.EngineOptions#threads()} are the threads measured
     * @param bosId  the token each run starts with, or -1 for none (then every token is random)
     */
    public ModelBenchmark(InferenceModel engine, int bosId) {
        this.engine = Objects.requireNonNull(engine, "engine");
        if (bosId >= engine.vocabSize()) throw new IllegalArgumentException("BOS id " + bosId + " is outside the vocabulary of " + engine.vocabSize());
        this.bosId = bosId;
    }

    public int threads() {
        return engine.options().threads();
    }

    /** The pp test then the tg test, skipping a test whose length is 0 (as llama-bench does). */
    public List<BenchResult> run(Settings s, Consumer<String> progress) {
        List<BenchResult> out = new ArrayList<>(2);
        if (s.prompt() > 0) out.add(prefillTest(s.prompt(), s.repetitions(), s.seed(), progress));
        if (s.gen() > 0) out.add(generationTest(s.gen(), s.repetitions(), s.seed(), progress));
        return out;
    }

    /** pp{@code p}: each sample is the time of one {@code prefill} of {@code p} tokens into an empty session. */
    public BenchResult prefillTest(int p, int repetitions, long seed, Consumer<String> progress) {
        checkLength("prompt", p, repetitions);
        SplittableRandom rnd = new SplittableRandom(seed);
        String name = "pp" + p;
        String started = now();
        progress.accept(name + ": warm-up run");
        timePrefill(tokens(rnd, p));
        long[] samples = new long[repetitions];
        for (int i = 0; i < repetitions; i++) {
            samples[i] = timePrefill(tokens(rnd, p));
            progress.accept(String.format(java.util.Locale.ROOT, "%s: run %d/%d, %.2f t/s", name, i + 1, repetitions, 1e9 * p / samples[i]));
        }
        return new BenchResult(p, 0, threads(), samples, started);
    }

    /** tg{@code g}: each sample is the time of {@code g} single-token {@code decode} calls from an empty session. */
    public BenchResult generationTest(int g, int repetitions, long seed, Consumer<String> progress) {
        checkLength("generation", g, repetitions);
        SplittableRandom rnd = new SplittableRandom(seed ^ GEN_SEED_SALT);
        String name = "tg" + g;
        String started = now();
        progress.accept(name + ": warm-up run");
        timeDecode(tokens(rnd, g));
        long[] samples = new long[repetitions];
        for (int i = 0; i < repetitions; i++) {
            samples[i] = timeDecode(tokens(rnd, g));
            progress.accept(String.format(java.util.Locale.ROOT, "%s: run %d/%d, %.2f t/s", name, i + 1, repetitions, 1e9 * g / samples[i]));
        }
        return new BenchResult(0, g, threads(), samples, started);
    }

    private void checkLength(String what, int n, int repetitions) {
        if (n < 1) throw new IllegalArgumentException(what + " length must be at least 1, got " + n);
        if (repetitions < 1) throw new IllegalArgumentException("repetitions must be at least 1, got " + repetitions);
        if (n > engine.maxContext()) {
            throw new IllegalArgumentException(what + " length " + n + " exceeds the model's context of " + engine.maxContext() + " tokens");
        }
    }

    private long timePrefill(int[] tokens) {
        Session s = engine.newSession();
        long t0 = System.nanoTime();
        float[] logits = s.prefill(tokens);
        long t = System.nanoTime() - t0;
        Blackhole.consume(logits);
        return Math.max(t, 1);
    }

    private long timeDecode(int[] tokens) {
        Session s = engine.newSession();
        float[] logits = null;
        long t0 = System.nanoTime();
        for (int token : tokens) logits = s.decode(token);
        long t = System.nanoTime() - t0;
        Blackhole.consume(logits);
        return Math.max(t, 1);
    }

    private int[] tokens(SplittableRandom rnd, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = rnd.nextInt(engine.vocabSize());
        if (bosId >= 0) ids[0] = bosId;
        return ids;
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
