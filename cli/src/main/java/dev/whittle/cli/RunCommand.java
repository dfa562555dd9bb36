package dev.whittle.cli;

import dev.whittle.cli.recipe.Recipe;
import dev.whittle.cli.recipe.RecipeParser;
import dev.whittle.cli.recipe.RecipeRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code whittle run RECIPE.yaml -o RUNDIR [--data-dir DIR]}. */
@Command(name = "run", description = "Run a recipe: build every variant (convert, quantize), evaluate it, and write RUNDIR/report.html. Unchanged variants are skipped (docs/recipes.md).")
public final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RECIPE", description = "The recipe YAML (format: docs/recipes.md).")
    Path recipe;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "RUNDIR", description = "Where variants, results and the report go.")
    Path runDir;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where named datasets live (default: the recipe's data_dir, else $WHITTLE_DATA, else ~/.cache/whittle/datasets).")
    String dataDir;

    @Option(names = "--check", description = "Only parse and validate the recipe, then list its variants.")
    boolean check;

    @Override
    public Integer call() {
        Recipe r = RecipeParser.parse(recipe);
        RecipeRunner runner = new RecipeRunner(r, runDir, dataDir, new dev.whittle.cli.recipe.StepExecutor(), null,
                ConsoleProgress.forStderr(), line -> System.err.println(line));
        runner.preflight();
        if (check) {
            r.variants().forEach(v -> System.out.println(v.name() + ": " + v.canonicalSteps()));
            System.out.println(r.variants().size() + " variants; recipe OK");
            return 0;
        }
        RecipeRunner.Summary s = runner.run();
        for (RecipeRunner.Outcome o : s.outcomes()) {
            System.out.println(String.format("%-24s %s%s", o.variant(), o.status().name().toLowerCase(java.util.Locale.ROOT),
                    o.error() == null ? "" : ": " + o.error()));
        }
        System.out.println(s.count(RecipeRunner.Status.RAN) + " ran, " + s.count(RecipeRunner.Status.SKIPPED) + " up to date, "
                + s.count(RecipeRunner.Status.FAILED) + " failed" + (s.report() == null ? "" : "; report: " + s.report()));
        return s.count(RecipeRunner.Status.FAILED) == 0 ? 0 : 1;
    }
}
