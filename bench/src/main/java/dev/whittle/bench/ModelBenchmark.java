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
 * Each test first runs untimed for at least {@code warmupSeconds}, and then until the JIT has settled (see
 * {@link #warmUp}): one run warms caches, but the JIT needs more than one run of a small model (smollm2-135m's
 * pp64 climbed from 240 to 700 t/s over its first seven runs). Warm-up runs draw their tokens from their own
 * random stream, so the timed runs' tokens depend on the seed only. Then {@code repetitions} timed runs. The first token
 * is BOS when the model has one, the rest uniform random ids, as in llama-bench; sampling is not timed because
 * llama-bench does not sample either.
 */
public final class ModelBenchmark {
    private static final long GEN_SEED_SALT = 0x9E3779B97F4A7C15L;
    private static final long WARMUP_SEED_SALT = 0x632BE59BD9B4E019L;
    /** Upper bound on warm-up runs, whatever the warm-up time. */
    static final int MAX_WARMUP_RUNS = 200;
    /** Forward passes (prefill or decode calls) the warm-up makes at least, time permitting. */
    static final int MIN_WARMUP_PASSES = 30;
    /** Longest warm-up spent waiting for {@link #MIN_WARMUP_PASSES} and the JIT, unless --warmup asks for longer. */
    static final double MAX_WARMUP_SECONDS = 20;

    /**
     * @param prompt      pp test length; 0 skips the test
     * @param gen         tg test length; 0 skips the test
     * @param repetitions   timed runs per test, after the warm-up
     * @param seed          seed of the random token ids
     * @param warmupSeconds untimed runs continue until this much time has passed (at least one run)
     */
    public record Settings(int prompt, int gen, int repetitions, long seed, double warmupSeconds) {
        public static final int DEFAULT_PROMPT = 512;
        public static final int DEFAULT_GEN = 128;
        public static final int DEFAULT_REPETITIONS = 5;
        public static final double DEFAULT_WARMUP_SECONDS = 3;

        public Settings {
            if (prompt < 0 || gen < 0) throw new IllegalArgumentException("prompt and gen lengths must be >= 0, got " + prompt + " and " + gen);
            if (repetitions < 1) throw new IllegalArgumentException("repetitions must be at least 1, got " + repetitions);
            if (!(warmupSeconds >= 0)) throw new IllegalArgumentException("warm-up seconds must be >= 0, got " + warmupSeconds);
        }

        /** One warm-up run per test. */
        public Settings(int prompt, int gen, int repetitions, long seed) {
            this(prompt, gen, repetitions, seed, 0);
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_PROMPT, DEFAULT_GEN, DEFAULT_REPETITIONS, 1, DEFAULT_WARMUP_SECONDS);
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
        if (s.prompt() > 0) out.add(prefillTest(s.prompt(), s.repetitions(), s.seed(), s.warmupSeconds(), progress));
        if (s.gen() > 0) out.add(generationTest(s.gen(), s.repetitions(), s.seed(), s.warmupSeconds(), progress));
        return out;
    }

    /** pp{@code p}: each sample is the time of one {@code prefill} of {@code p} tokens into an empty session. */
    public BenchResult prefillTest(int p, int repetitions, long seed, double warmupSeconds, Consumer<String> progress) {
        checkLength("prompt", p, repetitions);
        SplittableRandom rnd = new SplittableRandom(seed);
        String name = "pp" + p;
        String started = now();
        SplittableRandom warm = new SplittableRandom(seed ^ WARMUP_SEED_SALT);
        warmUp(name, warmupSeconds, 1, () -> timePrefill(tokens(warm, p)), progress);
        long[] samples = new long[repetitions];
        for (int i = 0; i < repetitions; i++) {
            samples[i] = timePrefill(tokens(rnd, p));
            progress.accept(String.format(java.util.Locale.ROOT, "%s: run %d/%d, %.2f t/s", name, i + 1, repetitions, 1e9 * p / samples[i]));
        }
        return new BenchResult(p, 0, threads(), samples, started);
    }

    /** tg{@code g}: each sample is the time of {@code g} single-token {@code decode} calls from an empty session. */
    public BenchResult generationTest(int g, int repetitions, long seed, double warmupSeconds, Consumer<String> progress) {
        checkLength("generation", g, repetitions);
        SplittableRandom rnd = new SplittableRandom(seed ^ GEN_SEED_SALT);
        String name = "tg" + g;
        String started = now();
        SplittableRandom warm = new SplittableRandom(seed ^ GEN_SEED_SALT ^ WARMUP_SEED_SALT);
        warmUp(name, warmupSeconds, g, () -> timeDecode(tokens(warm, g)), progress);
        long[] samples = new long[repetitions];
        for (int i = 0; i < repetitions; i++) {
            samples[i] = timeDecode(tokens(rnd, g));
            progress.accept(String.format(java.util.Locale.ROOT, "%s: run %d/%d, %.2f t/s", name, i + 1, repetitions, 1e9 * g / samples[i]));
        }
        return new BenchResult(0, g, threads(), samples, started);
    }

    /**
     * Untimed runs until {@code seconds} have passed, and beyond that (the whole warm-up lasting at most
     * {@link #MAX_WARMUP_SECONDS}, or {@code seconds} if longer) until the engine has made {@link #MIN_WARMUP_PASSES} forward passes and C2 has nothing of whittle's left to
     * compile ({@link JitActivity}). At least one run, at most {@link #MAX_WARMUP_RUNS}; 0 seconds means exactly one
     * run (tests, and users who want the cold figure).
     * <p>Time alone did not reach the steady state. tinyllama pp4 (about 0.1 s a run) ran 2, 22, 21, 23, 31, 32,
     * 32, 33, 35, 34, 31 and then 42 t/s, with or without tiered compilation: the methods that dispatch the
     * matmuls to the threads run a few times per layer, so C2 takes them on only after about ten passes, and with
     * two cores its thread competes with the engine's.
     */
    private static void warmUp(String name, double seconds, int passesPerRun, Runnable run, Consumer<String> progress) {
        long start = System.nanoTime(), until = start + (long) (seconds * 1e9);
        long cap = seconds == 0 ? start : start + (long) (Math.max(seconds, MAX_WARMUP_SECONDS) * 1e9);
        int runs = 0;
        boolean compiling, settled;
        do {
            run.run();
            runs++;
            compiling = JitActivity.compilingOwnCode();
            settled = (long) runs * passesPerRun >= MIN_WARMUP_PASSES && !compiling;
        } while ((System.nanoTime() < until || (!settled && System.nanoTime() < cap)) && runs < MAX_WARMUP_RUNS);
        // fewer passes than the minimum is normal for long runs (a 512-token prefill takes seconds); a compile still
        // going is what can skew the timed runs
        progress.accept(String.format(java.util.Locale.ROOT, "%s: warm-up, %d untimed run%s in %.1f s%s", name, runs,
                runs == 1 ? "" : "s", (System.nanoTime() - start) / 1e9, compiling ? " (C2 was still compiling whittle's code)" : ""));
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
