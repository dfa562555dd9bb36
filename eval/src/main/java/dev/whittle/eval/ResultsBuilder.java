package dev.whittle.eval;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Assembles a {@link Results} from the pieces of a run; stamps schema, version and time on {@link #build()}. */
public final class ResultsBuilder {
    private final String whittleVersion;
    private Instant timestamp;
    private Results.Command command;
    private Long seed;
    private ModelInfo model;
    private ModelInfo baseModel;
    private EnvironmentInfo environment;
    private Results.Dataset dataset;
    private Results.Protocol protocol;
    private final Map<String, Metric> metrics = new LinkedHashMap<>();
    private Results.PerplexityDetail perplexity;
    private LatencyResult latency;
    private MemoryReport memory;

    public ResultsBuilder(String whittleVersion) {
        this.whittleVersion = whittleVersion;
    }

    public ResultsBuilder timestamp(Instant t) {
        timestamp = t;
        return this;
    }

    public ResultsBuilder command(String name, List<String> args) {
        command = new Results.Command(name, List.copyOf(args));
        return this;
    }

    public ResultsBuilder seed(long s) {
        seed = s;
        return this;
    }

    public ResultsBuilder model(ModelInfo m) {
        model = m;
        return this;
    }

    public ResultsBuilder baseModel(ModelInfo m) {
        baseModel = m;
        return this;
    }

    public ResultsBuilder environment(EnvironmentInfo e) {
        environment = e;
        return this;
    }

    public ResultsBuilder dataset(String name, String fileSha256, int[] textTokens) {
        dataset = new Results.Dataset(name, fileSha256, textTokens == null ? null : (long) textTokens.length,
                textTokens == null ? null : Sha256.hex(Sha256.ofTokens(textTokens)));
        return this;
    }

    public ResultsBuilder perplexity(PerplexityResult r, LanguageModel m) {
        protocol = Results.Protocol.of(r.protocol(), r.protocol().usesBos() && m.addsBos(), r.chunks(), r.scoredTokens());
        metrics.putAll(r.metrics());
        perplexity = new Results.PerplexityDetail(r.runningPpl());
        return this;
    }

    public ResultsBuilder klDivergence(KlResult r, LanguageModel m) {
        protocol = Results.Protocol.of(r.protocol(), r.protocol().usesBos() && m.addsBos(), r.chunks(), r.scoredTokens());
        metrics.putAll(r.metrics());
        return this;
    }

    public ResultsBuilder latency(LatencyResult r) {
        latency = r;
        metrics.putAll(r.metrics());
        return this;
    }

    public ResultsBuilder memory(MemoryReport r) {
        memory = r;
        metrics.putAll(r.metrics());
        return this;
    }

    public ResultsBuilder metric(String name, Metric m) {
        metrics.put(name, m);
        return this;
    }

    public Results build() {
        Instant t = timestamp != null ? timestamp : Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new Results(Results.SCHEMA, Results.SCHEMA_VERSION, whittleVersion, t.toString(), command, seed, model,
                baseModel, environment, dataset, protocol, new LinkedHashMap<>(metrics), perplexity, latency, memory);
    }
}
