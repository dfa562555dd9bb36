package dev.whittle.cli;

import dev.whittle.core.synth.SynthPreset;
import dev.whittle.core.synth.SyntheticModel;
import dev.whittle.core.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code whittle synth --preset NAME --type TYPE -o OUT.gguf}: random weights at a real model's shapes. */
@Command(name = "synth", description = "Write a random-weight model at the exact shapes of a real one (for benchmarks).")
public final class SynthCommand implements Callable<Integer> {
    @Option(names = "--preset", required = true, paramLabel = "NAME",
            description = "tinyllama-1.1b, llama-3.2-1b, qwen2.5-0.5b, smollm2-135m, gpt2-124m, tiny-test")
    String preset;

    @Option(names = "--type", defaultValue = "f32", paramLabel = "TYPE", description = "Weight type (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--layers", paramLabel = "N", description = "Decoder layers (default: the preset's). Fewer layers at the same shapes make quick per-layer measurements.")
    Integer layers;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.gguf|DIR", description = "A .gguf file, or a directory for a HF SafeTensors model.")
    Path output;

    @Override
    public Integer call() throws Exception {
        SynthPreset p = SynthPreset.byId(preset);
        DType t = DType.parse(type).orElseThrow(() -> new IllegalArgumentException("--type " + type
                + ": unknown type; one of f32, f16, bf16 or a GGUF block type (" + java.util.Arrays.stream(DType.values())
                        .filter(d -> d.isBlockQuantized() && d != DType.Q8_K) // Q8_K: ggml's intermediate, not a weight type
                        .map(d -> d.name().toLowerCase(java.util.Locale.ROOT)).collect(java.util.stream.Collectors.joining(", ")) + ")"));
        boolean gguf = output.getFileName().toString().endsWith(".gguf");
        if (!gguf && t.isBlockQuantized())
            throw new IllegalArgumentException("--type " + type + ": GGUF block types need a .gguf output");
        // A HF directory is the GGUF streamed through the converter, so both paths share one generator.
        Path ggufFile = gguf ? output : output.toAbsolutePath().resolveSibling("." + output.getFileName() + ".synth.gguf");
        SyntheticModel.Result r;
        try {
            var cfg = layers == null ? p.config() : p.config().withLayers(layers);
            r = SyntheticModel.writeGguf(cfg, p.id(), t, seed, ggufFile);
            if (!gguf) {
                try (var m = dev.whittle.core.model.ModelLoader.open(ggufFile)) {
                    dev.whittle.core.convert.ModelConverter.convert(m, output, dev.whittle.core.convert.ModelConverter.Target.SAFETENSORS, t, ConsoleProgress.forStderr());
                }
            }
        } finally {
            if (!gguf) java.nio.file.Files.deleteIfExists(ggufFile);
        }
        System.out.printf("wrote %s: %s%s, %,d parameters, %s of weights, seed %d%n", output, p.id(), layers == null ? "" : " (" + layers + " layers)", r.parameters(), Units.bytes(r.bytes()), seed);
        for (String f : r.fallbacks()) System.out.println("  fallback: " + f);
        return 0;
    }
}
