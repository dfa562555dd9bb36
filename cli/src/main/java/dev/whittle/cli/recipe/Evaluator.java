package dev.whittle.cli.recipe;

import dev.whittle.core.progress.Progress;
import dev.whittle.eval.EvalRun;
import dev.whittle.eval.Results;

import java.util.function.Consumer;

/** Runs one variant's evaluation. */
public interface Evaluator {
    Results evaluate(EvalRun.Options options, Consumer<String> messages, Progress progress);

    /** In this JVM: fast, but peak RSS would include earlier variants, so not for memory runs. */
    Evaluator IN_PROCESS = EvalRun::run;
}
