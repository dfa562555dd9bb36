package dev.whittle.eval;

import org.HdrHistogram.Histogram;

import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Time to first token, prefill and decode throughput, and per-token decode latency percentiles, over
 * {@code repetitions} timed runs after {@code warmups} untimed ones. Each run resets the session,
 * prefills {@code nPrompt} tokens in one batch (the first token's distribution is ready when prefill
 * returns, so that time is the TTFT) and then decodes {@code nGen} tokens greedily, one call each.
 * The prompt is random token ids from a seed, as llama-bench does, so it needs no tokenizer or data.
 */
public final class LatencyBenchmark {

    /**
     * @param nPrompt     prompt tokens (llama-bench {@code -p})
     * @param nGen        generated tokens (llama-bench {@code -n})
     * @param threads     threads given to the session (llama-bench {@code -t})
     * @param repetitions timed runs (llama-bench {@code -r})
     * @param warmups     untimed runs before them
     * @param seed        seed of the random prompt
     */
    public record Config(int nPrompt, int nGen, int threads, int repetitions, int warmups, long seed) {
        public Config {
            if (nPrompt < 1 || nGen < 0 || threads < 1 || repetitions < 1 || warmups < 0) {
                // the parameters, not this: a compact constructor has not assigned the fields yet
                throw new IllegalArgumentException("latency needs prompt ≥ 1, gen ≥ 0, threads ≥ 1, repetitions ≥ 1,"
                        + " warm-ups ≥ 0; got prompt " + nPrompt + ", gen " + nGen + ", threads " + threads
                        + ", repetitions " + repetitions + ", warm-ups " + warmups);
            }
        }
    }

    private final LongSupplier nanoClock;

    public LatencyBenchmark() {
        this(System::nanoTime);
    }

    /** With a given clock (tests use a fake one, so no test depends on real timing). */
    LatencyBenchmark(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    public LatencyResult run(LanguageModel model, Config config) {
        if (config.nPrompt() + config.nGen() > model.maxContext()) {
            throw new IllegalArgumentException("n_prompt + n_gen = " + (config.nPrompt() + config.nGen())
                    + " exceeds the model's context of " + model.maxContext());
        }
        int[] prompt = randomPrompt(model.vocabSize(), config.nPrompt(), config.seed());
        // Latencies up to an hour at 3 significant digits.
        Histogram decodeNanos = new Histogram(3_600_000_000_000L, 3);
        double[] ttftMs = new double[config.repetitions()];
        double[] prefillTs = new double[config.repetitions()];
        double[] decodeTs = new double[config.nGen() > 0 ? config.repetitions() : 0];
        try (ModelSession session = model.openSession(config.threads())) {
            for (int rep = -config.warmups(); rep < config.repetitions(); rep++) {
                boolean timed = rep >= 0;
                session.reset();
                long t0 = nanoClock.getAsLong();
                float[] logits = session.prefill(prompt);
                long t1 = nanoClock.getAsLong();
                long decodeTotal = 0;
                for (int g = 0; g < config.nGen(); g++) {
                    int next = LogSoftmax.argmax(logits, 0, model.vocabSize());
                    long s = nanoClock.getAsLong();
                    logits = session.decode(next);
                    long e = nanoClock.getAsLong();
                    decodeTotal += e - s;
                    if (timed) {
                        decodeNanos.recordValue(Math.max(0, e - s));
                    }
                }
                if (timed) {
                    long prefillNanos = Math.max(1, t1 - t0);
                    ttftMs[rep] = prefillNanos / 1e6;
                    prefillTs[rep] = config.nPrompt() * 1e9 / prefillNanos;
                    if (config.nGen() > 0) {
                        decodeTs[rep] = config.nGen() * 1e9 / Math.max(1, decodeTotal);
                    }
                }
            }
        }
        return LatencyResult.of(config, ttftMs, prefillTs, decodeTs, decodeNanos);
    }

    static int[] randomPrompt(int vocab, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = random.nextInt(vocab);
        }
        return tokens;
    }
}
