package dev.whittle.core.synth;

import dev.whittle.core.convert.GgufExport;
import dev.whittle.core.convert.GgufModelMetadata;
import dev.whittle.core.convert.RowSource;
import dev.whittle.core.convert.TensorEncoder;
import dev.whittle.core.tensor.TensorSource;
import dev.whittle.core.gguf.GgufValue;
import dev.whittle.core.gguf.GgufWriter;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.TensorNaming;
import dev.whittle.core.quant.BlockFallback;
import dev.whittle.core.tensor.DType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a random-weight model at a preset's exact shapes as a GGUF file, streaming tensor by tensor and row by
 * row, so even a 1.1B model needs only a row of memory. Every row's values come from its own generator seeded
 * by (seed, tensor name, row): the same seed gives the same file.
 * <p>
 * Weights are uniform in ±0.02·√3 (standard deviation 0.02, the usual initialiser scale); norm gains are near 1;
 * biases small. Matrices take the requested dtype; a matrix whose rows do not divide that dtype's block falls back
 * as llama-quantize does ({@link BlockFallback}) and is listed by {@link Result#fallbacks()}; 1-D tensors are F32
 * as in llama.cpp.
 */
public final class SyntheticModel {
    private static final float WEIGHT_RANGE = (float) (0.02 * Math.sqrt(3));

    public record Result(Path path, long parameters, long bytes, List<String> fallbacks) {}

    private SyntheticModel() {}

    public static Result writeGguf(SynthPreset preset, DType type, long seed, Path target) throws IOException {
        return writeGguf(preset.config(), preset.id(), type, seed, target);
    }

    public static Result writeGguf(ModelConfig cfg, String name, DType type, long seed, Path target) throws IOException {
        GgufWriter w = new GgufWriter();
        w.putAll(GgufModelMetadata.of(cfg, "synthetic " + name, GgufExport.fileTypeFor(type)));
        w.put("general.quantization_version", GgufValue.uint32(2));
        w.put("whittle.synthetic.seed", GgufValue.of(dev.whittle.core.gguf.GgufType.UINT64, seed));
        w.putAll(SynthVocabulary.ggufMetadata(cfg));
        List<String> fallbacks = new ArrayList<>();
        long params = 0, bytes = 0;
        for (SynthTensors.Spec spec : SynthTensors.of(cfg)) {
            long[] shape = spec.shape();
            int cols = (int) shape[shape.length - 1];
            long rows = shape.length == 1 ? 1 : shape[0];
            DType t = spec.isMatrix() ? fit(type, cols) : DType.F32;
            if (spec.isMatrix() && t != type) fallbacks.add(spec.name() + " → " + t);
            String ggufName = TensorNaming.hfToGguf(spec.name(), cfg.architecture()).orElse(spec.name());
            RowSource values = values(spec, seed);
            w.add(TensorSource.lazy(ggufName, shape, t, out -> TensorEncoder.write(values, rows, cols, t, out)));
            params += rows * cols;
            bytes += t.byteSize(rows * cols);
        }
        w.write(target);
        return new Result(target, params, bytes, fallbacks);
    }

    /** The requested dtype if a row of {@code cols} divides its blocks, else the llama-quantize style fallback. */
    static DType fit(DType requested, int cols) {
        return BlockFallback.forRow(requested, cols);
    }

    static RowSource values(SynthTensors.Spec spec, long seed) {
        long tensorSeed = seed * 0x9E3779B97F4A7C15L ^ spec.name().hashCode();
        boolean gain = spec.isNormGain();
        boolean bias = !gain && spec.shape().length == 1;
        return (r, dst) -> {
            SplittableRandom rnd = new SplittableRandom(tensorSeed + r * 0xBF58476D1CE4E5B9L);
            for (int i = 0; i < dst.length; i++) {
                float u = (float) (rnd.nextDouble() * 2 - 1);
                dst[i] = gain ? 1f + 0.1f * u : bias ? 0.01f * u : WEIGHT_RANGE * u;
            }
        };
    }
}
