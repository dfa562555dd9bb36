package dev.whittle.cli.recipe;

import dev.whittle.core.convert.ModelConverter;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.progress.Progress;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.util.AtomicFile;
import dev.whittle.datasets.CalibrationSampler;
import dev.whittle.datasets.CalibrationSet;
import dev.whittle.datasets.CalibrationStyle;
import dev.whittle.datasets.DatasetRegistry;
import dev.whittle.datasets.ResolvedDataset;
import dev.whittle.quantize.ModelQuantizer;
import dev.whittle.quantize.QuantMethod;
import dev.whittle.quantize.QuantPreset;
import dev.whittle.quantize.QuantizeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
                    AtomicFile.move(tmp, out);
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

    /**
     * The quantize step: whittle's quantizer ({@code whittle quantize}) with llama.cpp's type plan for the preset.
     * GPTQ/AWQ draw their calibration windows from the recipe's calibration dataset (GPTQ-style documents for
     * GPTQ, AWQ-style blocks for AWQ), reproducibly from its seed. Quality notes (fallbacks) go to the progress log.
     */
    protected void quantize(Model model, Step.Quantize q, Path out, Path dataDir, int threads, Progress progress) throws IOException {
        QuantPreset preset = QuantPreset.parse(q.type());
        QuantMethod method = QuantMethod.parse(q.method());
        QuantizeOptions options = switch (method) {
            case RTN -> QuantizeOptions.rtn(preset);
            case GPTQ -> QuantizeOptions.gptq(preset, calibration(model, q, dataDir, CalibrationStyle.GPTQ), q.actOrder());
            case AWQ -> QuantizeOptions.awq(preset, calibration(model, q, dataDir, CalibrationStyle.AWQ));
        };
        ModelQuantizer.quantize(model, out, options, progress);
    }

    private static CalibrationSet calibration(Model model, Step.Quantize q, Path dataDir, CalibrationStyle style) {
        Calibration c = q.calibration();
        if (c == null) throw new IllegalArgumentException(q.method() + " needs calibration data: add a `calibration` section");
        var tokenizer = model.tokenizer().orElseThrow(() -> new IllegalArgumentException(
                model.path() + ": no tokenizer, needed to tokenize the calibration text"));
        ResolvedDataset ds = DatasetRegistry.resolve(c.dataset(), dataDir);
        return CalibrationSampler.sample(ds, tokenizer, c.samples(), c.seqLen(), c.seed(), style);
    }
}
