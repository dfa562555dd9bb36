package dev.whittle.cli;

import dev.whittle.core.convert.ModelConverter;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.tensor.DType;
import dev.whittle.eval.EvalRun;
import dev.whittle.eval.Metric;
import dev.whittle.eval.Results;
import dev.whittle.eval.ResultsIo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code whittle demo}: the main job end to end on a built-in default — the real stories260K model from the
 * fixtures beside the project: generate, shrink to F16 / Q8_0 / Q4_0, measure each against the original
 * (perplexity, KL divergence, speed), and write Results files plus a summary.
 */
@Command(name = "demo", description = "Shrink a small real model to several formats and measure what each cost (uses ../shared/fixtures).")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--fixtures", paramLabel = "DIR", description = "The fixtures directory (default: $WHITTLE_FIXTURES, else ../shared/fixtures beside the project or the working directory).")
    Path fixtures;

    @Option(names = {"-o", "--output"}, defaultValue = "whittle-demo", paramLabel = "DIR", description = "Where models and results go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--chunks", defaultValue = "100", description = "Perplexity chunks of 128 tokens (default: ${DEFAULT-VALUE}).")
    int chunks;

    @Override
    public Integer call() throws Exception {
        Path fx = locateFixtures();
        Path base = fx.resolve("models/stories260K/stories260K.gguf");
        Path data = fx.resolve("datasets");
        Files.createDirectories(out);
        System.out.println("== the model");
        new CommandLine(new InspectCommand()).execute(base.toString(), "--no-tensors");
        System.out.println();
        System.out.println("== what it writes (greedy)");
        new CommandLine(new GenerateCommand()).execute(base.toString(), "-p", "Once upon a time", "-n", "40", "--temperature", "0");
        System.out.println();
        System.out.println("== shrinking");
        List<String[]> variants = new ArrayList<>();
        variants.add(new String[] {"f32", base.toString()});
        for (DType t : List.of(DType.F16, DType.Q8_0, DType.Q4_0)) {
            Path p = out.resolve("stories260K-" + t.name().toLowerCase(Locale.ROOT) + ".gguf");
            try (Model m = ModelLoader.open(base)) {
                ModelConverter.convert(m, p, ModelConverter.Target.GGUF, t, Progress.NONE);
            }
            System.out.printf("  %-5s %s (%s)%n", t.name().toLowerCase(Locale.ROOT), p, Units.bytes(Files.size(p)));
            variants.add(new String[] {t.name().toLowerCase(Locale.ROOT), p.toString()});
        }
        System.out.println();
        System.out.println("== measuring (" + chunks + " chunks of tinystories-valid, KL divergence against f32, speed)");
        System.out.println("variant   bits/w      PPL ± err        KLD     same top   decode t/s");
        int threads = Runtime.getRuntime().availableProcessors();
        for (String[] v : variants) {
            boolean isBase = v[0].equals("f32");
            EvalRun.Options o = new EvalRun.Options(Path.of(v[1]), threads, 128, "tinystories-valid", data, "llama.cpp", chunks,
                    isBase ? null : base, null, null, true, 64, 32, 2, true, 1, 512, List.of("demo", v[0]));
            Results r = EvalRun.run(o, line -> { }, Progress.NONE);
            Path json = out.resolve(v[0] + ".results.json");
            ResultsIo.write(json, r);
            System.out.printf(Locale.ROOT, "%-8s %7.2f %9.4f ± %.4f %10s %10s %12.1f%n", v[0], r.model().bitsPerWeight(),
                    r.metrics().get("ppl").value(), r.metrics().get("ppl").stderr(),
                    fmt(r.metrics().get("kld_mean"), "%.2e"), fmt(r.metrics().get("same_top"), "%.2f%%", 100),
                    r.metrics().get("decode_tps").value());
        }
        System.out.println();
        System.out.println("Results files are in " + out + "/ (schema: docs/results-schema.md).");
        return 0;
    }

    private static String fmt(Metric m, String f) {
        return fmt(m, f, 1);
    }

    private static String fmt(Metric m, String f, double scale) {
        return m == null ? "-" : String.format(Locale.ROOT, f, m.value() * scale);
    }

    private Path locateFixtures() {
        List<Path> candidates = new ArrayList<>();
        if (fixtures != null) candidates.add(fixtures);
        String env = System.getenv("WHITTLE_FIXTURES");
        if (env != null) candidates.add(Path.of(env));
        String home = System.getProperty("whittle.home");
        if (home != null) candidates.add(Path.of(home).resolve("../shared/fixtures"));
        candidates.add(Path.of("../shared/fixtures"));
        for (Path c : candidates)
            if (Files.isRegularFile(c.resolve("models/stories260K/stories260K.gguf"))) return c.normalize();
        throw new IllegalArgumentException("no fixtures found (looked in " + candidates + "); pass --fixtures DIR");
    }
}
