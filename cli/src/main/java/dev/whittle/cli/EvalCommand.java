package dev.whittle.cli;

import dev.whittle.datasets.DataDirectory;
import dev.whittle.eval.EvalRun;
import dev.whittle.eval.Results;
import dev.whittle.eval.ResultsIo;
import dev.whittle.eval.ResultsPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code whittle eval MODEL [--ppl DATASET] [--kld --base M] [--latency] [--memory] [-o results.json]}. */
@Command(name = "eval", description = "Measure perplexity, KL divergence against a base, latency and memory; write a Results JSON.")
public final class EvalCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "MODEL") Path model;

    @Option(names = "--ppl", paramLabel = "DATASET", description = "Perplexity over a named dataset (wikitext2-test, wikitext2-valid, tinystories-valid, tinyshakespeare, c4-sample) or your own text file (.txt plain text; .jsonl/.json lines with a \"text\" field).")
    String dataset;

    @Option(names = "--ctx", defaultValue = "512", description = "Context per chunk (default: ${DEFAULT-VALUE}).")
    int ctx;

    @Option(names = "--protocol", defaultValue = "llama.cpp", description = "llama.cpp (second half of each chunk, BOS first) or papers (every token, no BOS). Default: ${DEFAULT-VALUE}.")
    String protocol;

    @Option(names = "--chunks", defaultValue = "0", description = "Evaluate at most this many chunks (0: all).")
    int chunks;

    @Option(names = "--kld", description = "Compare with a base model: KL divergence, top-1 agreement, Δp (needs --base or --base-logits).")
    boolean kld;

    @Option(names = "--base", paramLabel = "MODEL", description = "The base model for --kld.")
    Path base;

    @Option(names = "--base-logits", paramLabel = "FILE", description = "Saved base logits for --kld (from --save-base-logits).")
    Path baseLogits;

    @Option(names = "--save-base-logits", paramLabel = "FILE", description = "Save this model's logits as a base for later --kld runs.")
    Path saveBaseLogits;

    @Option(names = "--latency", description = "Time to first token, prefill/decode tokens/s, decode latency percentiles.")
    boolean latency;

    @Option(names = "--prompt", defaultValue = "128", description = "Latency prompt length (default: ${DEFAULT-VALUE}).")
    int nPrompt;

    @Option(names = "--gen", defaultValue = "32", description = "Latency generation length (default: ${DEFAULT-VALUE}).")
    int nGen;

    @Option(names = {"-r", "--repetitions"}, defaultValue = "3", description = "Latency repetitions after one warm-up (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--memory", description = "Weights by dtype, KV cache, peak RSS, heap vs off-heap.")
    boolean memory;

    @Option(names = {"-t", "--threads"}, description = "Threads (default: all cores).")
    Integer threads;

    @Option(names = {"-b", "--batch"}, defaultValue = "512", description = "Tokens per forward call (default: ${DEFAULT-VALUE}); results do not depend on it.")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for random prompts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where named datasets live (default: $WHITTLE_DATA or ~/.cache/whittle/datasets).")
    String dataDir;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the Results JSON here (schema: docs/results-schema.md).")
    Path output;

    @Override
    public Integer call() {
        if (kld && base == null && baseLogits == null) throw new IllegalArgumentException("--kld needs --base MODEL or --base-logits FILE");
        if (!kld && (base != null || baseLogits != null)) throw new IllegalArgumentException("--base/--base-logits go with --kld");
        if (dataset == null && !latency && !memory) throw new IllegalArgumentException("nothing to measure: give --ppl DATASET, --latency and/or --memory");
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        ConsoleProgress bar = ConsoleProgress.forStderr();
        EvalRun.Options o = new EvalRun.Options(model, t, ctx, dataset, DataDirectory.resolve(dataDir), protocol, chunks,
                kld ? base : null, kld ? baseLogits : null, saveBaseLogits, latency, nPrompt, nGen, repetitions, memory, seed, batch, args);
        Results r = EvalRun.run(o, line -> System.err.println(line), bar);
        System.out.print(ResultsPrinter.render(r));
        if (output != null) {
            ResultsIo.write(output, r);
            System.out.println("results written to " + output);
        }
        return 0;
    }
}
