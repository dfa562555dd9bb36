package dev.whittle.cli.recipe;

import dev.whittle.eval.EvalRun;
import dev.whittle.eval.Results;
import dev.whittle.eval.ResultsIo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs {@code whittle eval} in a fresh JVM per variant, so peak RSS and timings belong to that variant
 * alone. The child's console output goes to {@code log}; its results file is read back.
 */
public final class ChildProcessEvaluator implements Evaluator {
    private final Path log;

    public ChildProcessEvaluator(Path log) {
        this.log = log;
    }

    @Override
    public Results evaluate(EvalRun.Options o, Consumer<String> progress, dev.whittle.core.progress.Progress ignored) {
        try {
            Path out = Files.createTempFile(log.toAbsolutePath().getParent(), ".eval-", ".json");
            try {
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                        dev.whittle.engine.kernel.KernelCompilation.JVM_FLAG,
                        "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), "dev.whittle.cli.Whittle", "eval"));
                cmd.addAll(o.commandArgs());
                cmd.addAll(List.of("-o", out.toString()));
                progress.accept("evaluating in a fresh JVM (log: " + log + ")");
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                int rc = p.waitFor();
                if (rc != 0) {
                    List<String> lines = Files.readAllLines(log);
                    throw new IllegalStateException("whittle eval failed (exit " + rc + "): "
                            + (lines.isEmpty() ? "no output" : lines.getLast()) + " (see " + log + ")");
                }
                return ResultsIo.read(out);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run whittle eval: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
