package dev.whittle.cli.recipe;

import dev.whittle.core.convert.ModelConverter;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.tensor.DType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Runs a variant's steps, each reading the previous step's output; the last one lands atomically at {@code target}. */
public class StepExecutor {
    /** Steps actually executed by this executor (tests check re-runs do none). */
    private int executed;

    public int executed() {
        return executed;
    }

    public void run(Path base, List<Step> steps, Path target, Path dataDir, int threads, Progress progress) {
        Path input = base;
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < steps.size(); i++) {
                boolean last = i == steps.size() - 1;
                Path out = last ? target : dir.resolve("step-" + i + ".gguf");
                Path tmp = dir.resolve(".partial-" + out.getFileName());
                Files.deleteIfExists(tmp);
                executed++;
                try (Model m = ModelLoader.open(input)) {
                    switch (steps.get(i)) {
                        case Step.Convert c -> ModelConverter.convert(m, tmp, ModelConverter.Target.GGUF,
                                DType.parse(c.type()).orElseThrow(), progress);
                        case Step.Quantize q -> quantize(m, q, tmp, dataDir, threads, progress);
                    }
                    move(tmp, out);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                if (input != base) Files.deleteIfExists(input);
                input = out;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Single-type presets that RTN can write through {@code whittle convert}'s ggml reference quantizers. */
    static final java.util.Set<String> CONVERTIBLE_RTN = java.util.Set.of("q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q6_k");

    /**
     * The quantize step. RTN to a single-type preset goes through {@link ModelConverter} (ggml's reference
     * quantizers, every weight matrix in that type, llama-quantize's shape fallbacks). The K_S/K_M mixes and
     * GPTQ/AWQ need whittle's quantizer (module quantize), which is not merged yet: those stop with a clear
     * message until the lead wires {@code ModelQuantizer.quantize} in here.
     */
    protected void quantize(Model model, Step.Quantize q, Path out, Path dataDir, int threads, Progress progress) throws IOException {
        if (q.method().equals("rtn") && CONVERTIBLE_RTN.contains(q.type())) {
            ModelConverter.convert(model, out, ModelConverter.Target.GGUF, DType.parse(q.type()).orElseThrow(), progress);
            return;
        }
        throw new UnsupportedOperationException("step quantize (" + q.method() + " " + q.type()
                + ") is not available in this build: it needs whittle's quantizer, which is not merged yet"
                + " (available now: rtn with " + String.join(", ", CONVERTIBLE_RTN.stream().sorted().toList()) + ")");
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
