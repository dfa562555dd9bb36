package dev.whittle.cli;

import dev.whittle.engine.kernel.KernelCompilation;
import dev.whittle.bench.BenchJson;
import dev.whittle.bench.ModelBenchReport;
import dev.whittle.bench.BenchResult;
import dev.whittle.bench.BenchTables;
import dev.whittle.bench.WidthTuner;
import dev.whittle.bench.LlamaCppBaseline;
import dev.whittle.bench.MemoryBandwidth;
import dev.whittle.bench.ModelBenchmark;
import dev.whittle.bench.ModelFacts;
import dev.whittle.bench.RegressionGate;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.tokenizer.Tokenizer;
import dev.whittle.engine.EngineOptions;
import dev.whittle.engine.kernel.VectorWidth;
import dev.whittle.engine.InferenceModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code whittle bench MODEL}: llama-bench's pp/tg speed test on whittle's engine; {@code --membw}: memory bandwidth. */
@Command(name = "bench", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Measure prompt processing (pp) and generation (tg) speed as llama-bench does, and the machine's memory bandwidth.",
                "pp: one prefill of the prompt's random tokens; tg: tokens decoded one at a time from an empty context. "
                        + "Each test warms up untimed (see --warmup), then runs -r timed times; t/s is mean ± sample stddev.",
                "Exit codes: 0 ok, 2 bad input, 3 slower than the baseline by more than --max-regression."})
public final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "MODEL", arity = "0..1", description = "A .gguf file, a .safetensors file or a HuggingFace model directory.")
    Path model;

    @Option(names = {"-p", "--prompt"}, paramLabel = "N", defaultValue = "512", description = "Prompt tokens of the pp test; 0 skips it (default: ${DEFAULT-VALUE}).")
    int prompt;

    @Option(names = {"-n", "--gen"}, paramLabel = "N", defaultValue = "128", description = "Tokens of the tg test; 0 skips it (default: ${DEFAULT-VALUE}).")
    int gen;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads (default: all cores).")
    Integer threads;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N", defaultValue = "5", description = "Timed runs per test (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "3",
            description = "Untimed runs per test for at least S seconds, then until 30 forward passes are done and the JIT has nothing of whittle's left to compile, 20 s at most in all (or S if longer); 0 runs once (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = "Seed of the random tokens (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print llama-bench's JSON (one object per test) instead of the table.")
    boolean json;

    @Option(names = "--membw", description = "Measure memory read bandwidth with 1 and N threads; with MODEL, also print the decode speed it allows.")
    boolean membw;

    @Option(names = "--tune-width", description = "Time the kernels at each vector width this CPU has (256, 512 bits) and "
            + "record the fastest, which every later run on this CPU then uses unless -Dwhittle.vectorBits is given.")
    boolean tuneWidth;

    @Option(names = "--tune-seconds", defaultValue = "1", paramLabel = "S",
            description = "With --tune-width: seconds of warm-up and of timing per kernel case and width (default: ${DEFAULT-VALUE}).")
    double tuneSeconds;

    @Option(names = "--membw-mib", defaultValue = "1024", paramLabel = "MIB", description = "Bandwidth test buffer in MiB (default: ${DEFAULT-VALUE}).")
    int membwMib;

    @Option(names = "--vs-llama-cpp", description = "Then run llama.cpp's pp/tg on the same file (node-llama-cpp, "
            + "installed by scripts/install-llama-cpp.sh) and print both with their ratio: on a shared machine only "
            + "ratios from one run compare.")
    boolean vsLlamaCpp;

    @Option(names = "--llama-cpp-exclude", split = ",", paramLabel = "VARIANT",
            description = "With --vs-llama-cpp: CPU variants of llama.cpp's prebuilt library it may not load, e.g. "
                    + "sapphirerapids to compare against llama.cpp without AMX int8 tiles (it then picks the next best).")
    List<String> llamaCppExclude = List.of();

    @Option(names = "--baseline", paramLabel = "FILE.json", description = "A previous --json output to compare t/s against, test by test.")
    Path baseline;

    @Option(names = "--max-regression", defaultValue = "5%", paramLabel = "PCT",
            description = "Slowdown against --baseline that fails the run with exit code 3 (default: ${DEFAULT-VALUE}).")
    String maxRegression;

    @Override
    public Integer call() throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = System.err;
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + n);
        if (membwMib < 1) throw new ParameterException(spec.commandLine(), "--membw-mib must be at least 1, got " + membwMib);
        if (tuneWidth) {
            if (model != null || membw) throw new ParameterException(spec.commandLine(), "--tune-width runs on its own, without a MODEL or --membw");
            if (!(tuneSeconds > 0)) throw new ParameterException(spec.commandLine(), "--tune-seconds must be positive, got " + tuneSeconds);
            return tuneWidth(out, err);
        }
        if (model == null && !membw) throw new ParameterException(spec.commandLine(), "give a MODEL to benchmark, --membw to measure memory bandwidth, or --tune-width");
        if (model == null && baseline != null) throw new ParameterException(spec.commandLine(), "--baseline needs a MODEL to benchmark");
        if (vsLlamaCpp && (model == null || (prompt < 1 && gen < 1))) {
            throw new ParameterException(spec.commandLine(), "--vs-llama-cpp needs a MODEL and a pp or tg test (--prompt or --gen at least 1)");
        }
        if (model != null && !membw && prompt == 0 && gen == 0) {
            throw new ParameterException(spec.commandLine(), "nothing to measure: --prompt and --gen are both 0");
        }
        if (vsLlamaCpp && !model.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) {
            throw new ParameterException(spec.commandLine(), "--vs-llama-cpp needs a .gguf file (llama.cpp reads only GGUF), got " + model);
        }
        if (!llamaCppExclude.isEmpty() && !vsLlamaCpp) {
            throw new ParameterException(spec.commandLine(), "--llama-cpp-exclude only applies with --vs-llama-cpp");
        }
        for (String v : llamaCppExclude) {
            if (!v.matches("[a-z0-9]+")) throw new ParameterException(spec.commandLine(), "--llama-cpp-exclude: not a CPU variant name: '" + v + "'");
        }
        if (vsLlamaCpp) {
            String why = LlamaCppBaseline.unavailableReason(); // before whittle's run, not after it
            if (why != null) throw new IllegalArgumentException("--vs-llama-cpp: " + why);
        }
        double threshold = RegressionGate.parseThreshold(maxRegression);
        List<BenchJson.Entry> base = baseline == null ? null : readBaseline(baseline);
        if (!(warmup >= 0)) throw new ParameterException(spec.commandLine(), "--warmup must be 0 or more seconds, got " + warmup);
        ModelBenchmark.Settings settings = new ModelBenchmark.Settings(prompt, gen, repetitions, seed, warmup);

        List<MemoryBandwidth.Measurement> bandwidth = membw ? measureBandwidth(n, err) : List.of();
        if (model == null) {
            out.print(json ? BenchJson.writeBandwidth(bandwidth) : BenchTables.bandwidth(bandwidth));
            return 0;
        }

        ModelBenchReport report;
        if (!KernelCompilation.flagActive()) {
            err.println("bench: warning: this JVM runs without " + KernelCompilation.JVM_FLAG
                    + "; C2 may leave kernel vector operations as slow calls (the whittle launcher sets it)");
        }
        err.println("bench: loading " + model);
        try (Model m = ModelLoader.open(model)) {
            var tensors = m.tensors();
            String shortName = model.getFileName() == null ? model.toString() : model.getFileName().toString();
            ModelFacts facts = ModelFacts.of(model.toString(), shortName, m.config(), tensors);
            int bos = m.tokenizer().map(Tokenizer::bosId).orElse(-1);
            try (InferenceModel engine = InferenceModel.load(m, new EngineOptions(n, 0))) {
                List<BenchResult> results = new ModelBenchmark(engine, bos).run(settings, line -> err.println("bench: " + line));
                report = ModelBenchReport.of(facts, results, bandwidth.isEmpty() ? null : bandwidth.getLast());
            }
        }
        LlamaCppBaseline.Run llamaCpp = null;
        if (vsLlamaCpp) {
            err.println("bench: llama.cpp on the same file, " + n + " threads, " + repetitions + " runs per test");
            try {
                llamaCpp = LlamaCppBaseline.run(model, prompt, gen, n, repetitions, llamaCppExclude);
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException("--vs-llama-cpp: " + e.getMessage());
            }
        }
        if (json) {
            out.print(BenchJson.write(report));
            if (llamaCpp != null) {
                err.print(BenchTables.comparison(report, llamaCpp.figures()));
                err.println(llamaCppLine(llamaCpp));
            }
        } else {
            out.print(BenchTables.results(report));
            if (!bandwidth.isEmpty()) {
                out.println();
                out.print(BenchTables.bandwidth(bandwidth));
                out.println();
                out.print(BenchTables.boundLine(report));
            }
            if (llamaCpp != null) {
                out.println();
                out.print(BenchTables.comparison(report, llamaCpp.figures()));
                out.println(llamaCppLine(llamaCpp));
            }
        }
        if (base == null) return 0;
        RegressionGate.Verdict v = RegressionGate.compare(base, BenchJson.entries(report), threshold);
        for (RegressionGate.Finding f : v.findings()) err.println("bench: baseline: " + f.message(threshold));
        return v.failed() ? 3 : 0;
    }

    /** Which build of llama.cpp the ratios are against: its CPU variant decides whether it had int8 matrix hardware. */
    private static String llamaCppLine(LlamaCppBaseline.Run run) {
        return "llama.cpp CPU variant: " + run.cpuDescription()
                + (run.excluded().isEmpty() ? "" : ", not loading " + String.join(", ", run.excluded()));
    }

    private int tuneWidth(PrintStream out, PrintStream err) throws IOException {
        WidthTuner.Result r;
        try {
            r = WidthTuner.tune(tuneSeconds, line -> err.println("bench: " + line));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while timing vector widths", e);
        }
        out.print(BenchTables.widths(r));
        Path file = WidthTuner.record(r);
        out.println("fastest: " + r.best() + "-bit, recorded in " + file + " for " + VectorWidth.cpu()
                + "; runs on this CPU use it unless -D" + VectorWidth.PROPERTY + " is given");
        return 0;
    }

    private static List<BenchJson.Entry> readBaseline(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("baseline " + file + " does not exist");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read baseline " + file + ": " + e.getMessage());
        }
        return BenchJson.read(text, file.toString());
    }

    private List<MemoryBandwidth.Measurement> measureBandwidth(int n, PrintStream err) {
        List<MemoryBandwidth.Measurement> ms = new ArrayList<>();
        err.println("bench: memory bandwidth, filling a " + membwMib + " MiB buffer");
        try (MemoryBandwidth mb = new MemoryBandwidth(membwMib * (1L << 20))) {
            for (int t : n == 1 ? new int[] {1} : new int[] {1, n}) {
                MemoryBandwidth.Measurement m = mb.measure(t, MemoryBandwidth.DEFAULT_PASSES);
                if (!m.checksumOk()) throw new IllegalStateException("memory bandwidth test summed the buffer wrongly");
                err.printf(java.util.Locale.ROOT, "bench: memory bandwidth, %d thread%s: best %.2f GB/s%n", t, t == 1 ? "" : "s", m.bestGBps());
                ms.add(m);
            }
        }
        return ms;
    }
}
