package dev.whittle.cli;

import dev.whittle.core.convert.ModelConverter;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code whittle convert MODEL -o OUT [--to gguf|safetensors] [--type f32|f16|bf16]}. */
@Command(name = "convert", description = "Convert between a HuggingFace SafeTensors directory and a GGUF file.")
public final class ConvertCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "A .gguf file, a .safetensors file or a HuggingFace model directory.")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "A .gguf file, or a directory for SafeTensors.")
    Path output;

    @Option(names = "--to", paramLabel = "FORMAT", description = "gguf or safetensors (default: from OUT's name: *.gguf is GGUF, anything else a HF directory).")
    String to;

    @Option(names = "--type", paramLabel = "TYPE", description = "Weight type: f32, f16, bf16, or a GGUF block type by ggml's reference (RTN) quantizer: q8_0, q4_0, q4_1, q5_0, q5_1, q2_k..q6_k (default: keep the source's).")
    String type;

    @Override
    public Integer call() throws Exception {
        ModelConverter.Target target = to != null ? ModelConverter.Target.parse(to)
                : output.getFileName().toString().toLowerCase().endsWith(".gguf") ? ModelConverter.Target.GGUF : ModelConverter.Target.SAFETENSORS;
        DType dtype = null;
        if (type != null) {
            dtype = DType.parse(type).orElseThrow(() -> new IllegalArgumentException("--type " + type + ": unknown type (f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q2_k..q6_k)"));
        }
        try (Model m = ModelLoader.open(model)) {
            ModelConverter.convert(m, output, target, dtype, ConsoleProgress.forStderr());
        }
        System.out.println("wrote " + output);
        return 0;
    }
}
