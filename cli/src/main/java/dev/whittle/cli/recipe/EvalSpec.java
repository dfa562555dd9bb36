package dev.whittle.cli.recipe;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * How every variant is evaluated.
 *
 * @param dataset  named dataset for perplexity/KLD
 * @param ctx      tokens per chunk
 * @param chunks   chunks to evaluate (0: all)
 * @param protocol llama.cpp or papers
 * @param measure  what to measure
 * @param prompt   latency prompt length
 * @param gen      latency generated tokens
 * @param repetitions latency repetitions
 * @param seed     seed of random choices (latency prompt)
 */
public record EvalSpec(String dataset, int ctx, int chunks, String protocol, Set<Measure> measure, int prompt, int gen,
                       int repetitions, long seed) {
    /** Everything that changes the numbers; threads and the data directory do not. */
    public String canonical() {
        return "eval(dataset=" + dataset + ",ctx=" + ctx + ",chunks=" + chunks + ",protocol=" + protocol + ",measure="
                + measure.stream().map(Measure::key).sorted().collect(Collectors.joining("+"))
                + (measure.contains(Measure.LATENCY) ? ",prompt=" + prompt + ",gen=" + gen + ",repetitions=" + repetitions : "")
                + ",seed=" + seed + ")";
    }
}
