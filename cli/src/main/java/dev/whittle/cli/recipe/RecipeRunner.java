package dev.whittle.cli.recipe;

import dev.whittle.core.progress.Progress;
import dev.whittle.datasets.DataDirectory;
import dev.whittle.datasets.DatasetRegistry;
import dev.whittle.eval.EvalRun;
import dev.whittle.eval.Metric;
import dev.whittle.eval.Results;
import dev.whittle.eval.ResultsIo;
import dev.whittle.reports.ReportFormat;
import dev.whittle.reports.Reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code whittle run}: for each variant of a recipe, its steps → {@code RUNDIR/VARIANT/model.gguf}, its
 * evaluation → {@code RUNDIR/VARIANT/results.json}, and finally {@code RUNDIR/report.html} (and
 * {@code report.md}) over every variant that has results.
 * <p>Re-runs skip a variant whose {@code inputs.sha256} marker matches its current inputs (see
 * {@link InputsHash}). Every output is written atomically and the marker last, so an interrupted run
 * resumes at the variant it was working on. A failing variant is reported and the others still run.
 */
public final class RecipeRunner {
    public static final String MARKER = "inputs.sha256";
    public static final String INPUTS = "inputs.txt";
    public static final String MODEL = "model.gguf";
    public static final String RESULTS = "results.json";

    public enum Status { RAN, SKIPPED, FAILED }

    /** @param error the one-line reason of a failure, else null */
    public record Outcome(String variant, Status status, String error) {}

    /** @param report the HTML report, or null when no variant has results */
    public record Summary(List<Outcome> outcomes, Path report) {
        public long count(Status s) {
            return outcomes.stream().filter(o -> o.status() == s).count();
        }
    }

    private final Recipe recipe;
    private final Path runDir;
    private final Path dataDir;
    private final int threads;
    private final StepExecutor steps;
    private final Evaluator evaluator;
    private final Progress progress;
    private final Consumer<String> log;

    /**
     * @param dataDirOption {@code --data-dir}, or null: then the recipe's {@code data_dir}, else $WHITTLE_DATA, else the user cache
     * @param evaluator     null for the default: a fresh JVM per variant when measuring memory or latency, else in-process
     */
    public RecipeRunner(Recipe recipe, Path runDir, String dataDirOption, StepExecutor steps, Evaluator evaluator,
                        Progress progress, Consumer<String> log) {
        this.recipe = recipe;
        this.runDir = runDir;
        this.dataDir = dataDirOption != null ? DataDirectory.resolve(dataDirOption)
                : recipe.dataDir() != null ? recipe.dataDir() : DataDirectory.resolve(null);
        this.threads = recipe.threads() != null ? recipe.threads() : Runtime.getRuntime().availableProcessors();
        this.steps = steps;
        this.evaluator = evaluator;
        this.progress = progress;
        this.log = log;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Checks what can only be checked against the machine (datasets present) before any work. */
    public void preflight() {
        String file = recipe.file().toString();
        try {
            DatasetRegistry.resolve(recipe.eval().dataset(), dataDir);
        } catch (RuntimeException e) {
            throw new RecipeException(file, "eval.dataset", e.getMessage());
        }
        boolean calibrated = recipe.variants().stream().flatMap(v -> v.steps().stream())
                .anyMatch(s -> s instanceof Step.Quantize q && q.calibrated());
        if (calibrated) {
            try {
                DatasetRegistry.resolve(recipe.calibration().dataset(), dataDir);
            } catch (RuntimeException e) {
                throw new RecipeException(file, "calibration.dataset", e.getMessage());
            }
        }
    }

    public Summary run() {
        preflight();
        List<String> baseDigests = InputsHash.baseDigests(recipe.base());
        List<Outcome> outcomes = new ArrayList<>();
        List<Path> results = new ArrayList<>();
        for (VariantSpec v : recipe.variants()) {
            Path dir = runDir.resolve(v.name());
            String inputs = InputsHash.text(baseDigests, v, recipe.eval());
            String hash = InputsHash.sha256(inputs);
            if (upToDate(dir, hash)) {
                log.accept(v.name() + ": up to date, skipped");
                outcomes.add(new Outcome(v.name(), Status.SKIPPED, null));
                results.add(dir.resolve(RESULTS));
                continue;
            }
            try {
                runVariant(v, dir, inputs, hash);
                outcomes.add(new Outcome(v.name(), Status.RAN, null));
                results.add(dir.resolve(RESULTS));
            } catch (RuntimeException e) {
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                log.accept(v.name() + ": FAILED: " + msg);
                outcomes.add(new Outcome(v.name(), Status.FAILED, msg));
            }
        }
        Path report = null;
        if (!results.isEmpty()) {
            report = runDir.resolve("report.html");
            Reports.write(results, report, ReportFormat.HTML);
            Reports.write(results, runDir.resolve("report.md"), ReportFormat.MD);
            log.accept("report: " + report);
        }
        return new Summary(List.copyOf(outcomes), report);
    }

    private static boolean upToDate(Path dir, String hash) {
        try {
            Path marker = dir.resolve(MARKER);
            return Files.isRegularFile(marker) && Files.isRegularFile(dir.resolve(RESULTS))
                    && Files.readString(marker).strip().equals(hash);
        } catch (IOException e) {
            return false;
        }
    }

    private void runVariant(VariantSpec v, Path dir, String inputs, String hash) {
        try {
            Files.createDirectories(dir);
            // The marker goes first and comes back last: a variant interrupted half-way is redone.
            Files.deleteIfExists(dir.resolve(MARKER));
            Path model = recipe.base();
            if (!v.steps().isEmpty()) {
                log.accept(v.name() + ": " + v.canonicalSteps());
                model = dir.resolve(MODEL);
                steps.run(recipe.base(), v.steps(), model, dataDir, threads, progress);
            }
            log.accept(v.name() + ": evaluating " + model);
            EvalRun.Options o = evalOptions(model, !v.steps().isEmpty());
            Evaluator e = evaluator != null ? evaluator
                    : needsFreshJvm() ? new ChildProcessEvaluator(dir.resolve("eval.log")) : Evaluator.IN_PROCESS;
            Results r = e.evaluate(o, line -> log.accept(v.name() + ": " + line), progress);
            if (!v.steps().isEmpty()) r = withQuantErrors(r, QuantErrorMeasure.compare(recipe.base(), model));
            ResultsIo.write(dir.resolve(RESULTS), r);
            Reports.writeAtomically(dir.resolve(INPUTS), inputs);
            Reports.writeAtomically(dir.resolve(MARKER), hash + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private boolean needsFreshJvm() {
        return recipe.eval().measure().contains(Measure.MEMORY) || recipe.eval().measure().contains(Measure.LATENCY);
    }

    /** The evaluation, and the {@code whittle eval} arguments that reproduce it (recorded as the results' command). */
    EvalRun.Options evalOptions(Path model, boolean compareWithBase) {
        EvalSpec e = recipe.eval();
        boolean kld = compareWithBase && e.measure().contains(Measure.KLD);
        boolean text = e.measure().contains(Measure.PPL) || e.measure().contains(Measure.KLD);
        boolean latency = e.measure().contains(Measure.LATENCY);
        boolean memory = e.measure().contains(Measure.MEMORY);
        List<String> args = new ArrayList<>(List.of(model.toString()));
        if (text) {
            args.addAll(List.of("--ppl", e.dataset(), "--ctx", Integer.toString(e.ctx()), "--chunks", Integer.toString(e.chunks()),
                    "--protocol", e.protocol(), "--data-dir", dataDir.toString()));
        }
        if (kld) args.addAll(List.of("--kld", "--base", recipe.base().toString()));
        if (latency) {
            args.addAll(List.of("--latency", "--prompt", Integer.toString(e.prompt()), "--gen", Integer.toString(e.gen()),
                    "-r", Integer.toString(e.repetitions())));
        }
        if (memory) args.add("--memory");
        args.addAll(List.of("--threads", Integer.toString(threads), "--seed", Long.toString(e.seed())));
        return new EvalRun.Options(model, threads, e.ctx(), text ? e.dataset() : null, dataDir, e.protocol(), e.chunks(),
                kld ? recipe.base() : null, null, null, latency, e.prompt(), e.gen(), e.repetitions(), memory, e.seed(), 512, args);
    }

    static Results withQuantErrors(Results r, Map<String, Double> errors) {
        if (errors.isEmpty()) return r;
        Map<String, Metric> m = new LinkedHashMap<>(r.metrics() == null ? Map.of() : r.metrics());
        errors.forEach((t, e) -> m.put("quant_error." + t, Metric.of(e, "fraction")));
        return new Results(r.schema(), r.schemaVersion(), r.whittleVersion(), r.timestamp(), r.command(), r.seed(), r.model(),
                r.baseModel(), r.environment(), r.dataset(), r.protocol(), m, r.perplexity(), r.latency(), r.memory());
    }
}
