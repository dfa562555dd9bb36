package dev.whittle.eval;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One run's results file: who/what/where, and every metric with its uncertainty and unit. The layout
 * is documented in {@code docs/results-schema.md}; bump {@link #SCHEMA_VERSION} on any incompatible
 * change. Written and read by {@link ResultsIo}.
 *
 * @param schema         always {@value #SCHEMA}
 * @param schemaVersion  {@value #SCHEMA_VERSION} for files written by this code
 * @param whittleVersion version of whittle that wrote the file
 * @param timestamp      ISO-8601 UTC instant the run finished
 * @param command        the command and its arguments
 * @param seed           seed of any random choice in the run, or null
 * @param model          the evaluated model
 * @param baseModel      the reference model of a KLD run, or null
 * @param environment    machine and JVM
 * @param dataset        evaluation data, or null (latency/memory runs)
 * @param protocol       evaluation protocol, or null
 * @param metrics        every reported number by stable name (see the schema doc)
 * @param perplexity     per-chunk detail of a perplexity run, or null
 * @param latency        detail of a latency run in llama-bench's names, or null
 * @param memory         detail of a memory report, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Results(String schema, int schemaVersion, String whittleVersion, String timestamp, Command command,
                      Long seed, ModelInfo model, ModelInfo baseModel, EnvironmentInfo environment, Dataset dataset,
                      Protocol protocol, Map<String, Metric> metrics, PerplexityDetail perplexity,
                      LatencyResult latency, MemoryReport memory) {

    public static final String SCHEMA = "whittle-results";
    public static final int SCHEMA_VERSION = 1;

    /** @param name the subcommand, e.g. {@code eval}; @param args its arguments as given */
    public record Command(String name, List<String> args) {
    }

    /**
     * @param name         dataset name, e.g. {@code wikitext-2-raw/wiki.test.raw}
     * @param sha256       SHA-256 of the dataset file
     * @param tokens       number of text tokens evaluated from
     * @param tokensSha256 SHA-256 of the token stream (little-endian int32), ties results to a tokenization
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Dataset(String name, String sha256, Long tokens, String tokensSha256) {
    }

    /**
     * @param name         {@code llama.cpp}, {@code papers} or {@code papers-sliding}
     * @param nCtx         tokens per window
     * @param stride       window step
     * @param bos          whether windows started with BOS
     * @param chunks       number of windows evaluated
     * @param scoredTokens number of scored predictions
     */
    public record Protocol(String name, int nCtx, int stride, boolean bos, int chunks, long scoredTokens) {
        public static Protocol of(PerplexityProtocol p, boolean bos, int chunks, long scored) {
            return new Protocol(p.name(), p.nCtx(), p.stride(), bos, chunks, scored);
        }
    }

    /** @param runningPpl PPL over the chunks so far after each chunk (llama-perplexity's [i] values) */
    public record PerplexityDetail(double[] runningPpl) {
        @Override
        public boolean equals(Object o) {
            return o instanceof PerplexityDetail d && Arrays.equals(runningPpl, d.runningPpl);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(runningPpl);
        }
    }
}
