package dev.whittle.eval;

import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.model.ModelSummary;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.tokenizer.Tokenizer;
import dev.whittle.datasets.DatasetRegistry;
import dev.whittle.datasets.ResolvedDataset;
import dev.whittle.datasets.TokenStreams;
import dev.whittle.datasets.Tokenization;
import dev.whittle.engine.EngineOptions;
import dev.whittle.engine.InferenceModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One {@code whittle eval}: loads a model, runs the requested measurements and returns one {@link Results}.
 * Everything the CLI does is here, so recipes and tests can run the same evaluation from Java.
 */
public final class EvalRun {
    /**
     * @param dataset       named dataset for perplexity/KLD, or null
     * @param protocol      "llama.cpp" or "papers"
     * @param maxChunks     0 for all chunks
     * @param baseModel     model to compare against (KLD), or null
     * @param baseLogits    saved base logits to compare against, or null
     * @param saveBaseLogits where to save this model's logits as a base, or null
     */
    public record Options(Path model, int threads, int ctx, String dataset, Path dataDir, String protocol, int maxChunks,
                         Path baseModel, Path baseLogits, Path saveBaseLogits, boolean latency, int nPrompt, int nGen,
                         int repetitions, boolean memory, long seed, int batch, List<String> commandArgs) {}

    private EvalRun() {}

    /**
     * @param messages one-line notes (what is being done)
     * @param progress chunk-by-chunk progress of perplexity/KLD, with the running estimate as its detail
     */
    public static Results run(Options o, Consumer<String> messages, Progress progress) {
        boolean kld = o.baseModel() != null || o.baseLogits() != null;
        if (kld && o.dataset() == null) throw new IllegalArgumentException("--kld needs a dataset: add --ppl DATASET");
        try (Model model = ModelLoader.open(o.model())) {
            int maxCtx = Math.max(o.ctx(), o.latency() ? o.nPrompt() + o.nGen() : 0);
            int trained = model.config().contextLength();
            if (trained > 0 && maxCtx > trained) {
                // allowed, as llama.cpp's perplexity allows it, but the figures then measure extrapolation
                messages.accept("warning: " + maxCtx + " positions requested, more than the " + trained
                        + " the model was trained on; positions past that extrapolate (and attention grows as n^2)");
            }
            try (InferenceModel engine = InferenceModel.load(model, new EngineOptions(o.threads(), maxCtx))) {
                EngineLanguageModel lm = EngineLanguageModel.of(model, engine).withBatch(o.batch());
                List<WeightGroup> mix = dtypeMix(model);
                ResultsBuilder rb = new ResultsBuilder(WhittleVersion.VERSION)
                        .command("eval", o.commandArgs()).seed(o.seed())
                        .environment(EnvironmentInfo.detect(o.threads()))
                        .model(ModelInfo.describe(o.model(), model.weightFiles(), model.config().architecture().displayName(), mix));
                if (o.dataset() != null) {
                    Tokenizer tok = model.tokenizer().orElseThrow(() -> new IllegalArgumentException(o.model() + ": no tokenizer, cannot tokenize " + o.dataset()));
                    ResolvedDataset ds = DatasetRegistry.resolve(o.dataset(), o.dataDir());
                    messages.accept("tokenizing " + ds.name() + " (" + ds.file() + ")");
                    int[] tokens = TokenStreams.wholeText(ds.source(), tok, Tokenization.WHOLE);
                    rb.dataset(ds.name(), ds.sha256(), tokens);
                    PerplexityProtocol protocol = switch (o.protocol()) {
                        case "llama.cpp", "llamacpp" -> new PerplexityProtocol.LlamaCpp(o.ctx(), o.maxChunks());
                        case "papers" -> new PerplexityProtocol.Papers(o.ctx(), o.maxChunks());
                        default -> throw new IllegalArgumentException("--protocol " + o.protocol() + ": expected llama.cpp or papers");
                    };
                    boolean[] started = {false};
                    ProgressLine.Listener listener = (chunk, chunks, ppl) -> {
                        if (!started[0]) {
                            progress.start(kld ? "kl-divergence" : "perplexity", chunks);
                            started[0] = true;
                        }
                        progress.advance(chunk, String.format(java.util.Locale.ROOT, "running PPL %.4f", ppl));
                        if (chunk == chunks) progress.finish(String.format(java.util.Locale.ROOT, "%d chunks, PPL %.4f", chunks, ppl));
                    };
                    try (ModelSession session = lm.openSession(o.threads())) {
                        if (o.saveBaseLogits() != null) {
                            PerplexityResult pr = KlDivergence.saveBase(lm, session, protocol, tokens, o.saveBaseLogits(), listener);
                            rb.perplexity(pr, lm);
                        } else if (o.baseLogits() != null) {
                            rb.klDivergence(new KlDivergence(lm, protocol).run(session, o.baseLogits(), tokens, listener), lm);
                        } else if (o.baseModel() != null) {
                            rb.klDivergence(runAgainstBase(o, lm, session, protocol, tokens, listener, rb), lm);
                        } else {
                            rb.perplexity(new Perplexity(lm, protocol).run(session, tokens, listener), lm);
                        }
                    }
                }
                if (o.latency()) {
                    messages.accept("latency: " + o.repetitions() + " repetitions of pp" + o.nPrompt() + " + tg" + o.nGen());
                    rb.latency(new LatencyBenchmark().run(lm, new LatencyBenchmark.Config(o.nPrompt(), o.nGen(), o.threads(), o.repetitions(), 1, o.seed())));
                }
                if (o.memory()) {
                    var c = model.config();
                    rb.memory(MemoryReport.measure(mix, new KvCacheShape(c.numLayers(), c.kvDim(), 4), o.ctx())
                            .withEstimate(c.contextLength(), 1));
                }
                return rb.build();
            }
        }
    }

    private static KlResult runAgainstBase(Options o, EngineLanguageModel lm, ModelSession session, PerplexityProtocol protocol,
                                           int[] tokens, ProgressLine.Listener listener, ResultsBuilder rb) {
        try (Model base = ModelLoader.open(o.baseModel());
             InferenceModel baseEngine = InferenceModel.load(base, new EngineOptions(o.threads(), o.ctx()))) {
            EngineLanguageModel baseLm = EngineLanguageModel.of(base, baseEngine).withBatch(o.batch());
            rb.baseModel(ModelInfo.describe(o.baseModel(), base.weightFiles(), base.config().architecture().displayName(), dtypeMix(base)));
            try (ModelSession baseSession = baseLm.openSession(o.threads())) {
                return new KlDivergence(lm, protocol).run(session, baseLm, baseSession, tokens, listener);
            }
        }
    }

    static List<WeightGroup> dtypeMix(Model model) {
        List<WeightGroup> mix = new ArrayList<>();
        for (var d : ModelSummary.of(model).byDtype()) mix.add(new WeightGroup(d.dtype(), d.parameters(), d.bytes()));
        return mix;
    }
}
