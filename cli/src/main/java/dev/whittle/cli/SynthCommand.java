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

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.gguf")
    Path output;

    @Override
    public Integer call() throws Exception {
        SynthPreset p = SynthPreset.byId(preset);
        DType t = DType.parse(type).orElseThrow(() -> new IllegalArgumentException("--type " + type + ": unknown type"));
        if (!output.getFileName().toString().endsWith(".gguf"))
            throw new IllegalArgumentException(output + ": synth writes GGUF; name the output *.gguf");
        SyntheticModel.Result r = SyntheticModel.writeGguf(p, t, seed, output);
        System.out.printf("wrote %s: %s, %,d parameters, %s of weights, seed %d%n", output, p.id(), r.parameters(), Units.bytes(r.bytes()), seed);
        for (String f : r.fallbacks()) System.out.println("  fallback: " + f);
        return 0;
    }
}
