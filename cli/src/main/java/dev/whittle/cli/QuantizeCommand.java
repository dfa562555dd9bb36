package dev.whittle.cli;

import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.tensor.DType;
import dev.whittle.datasets.CalibrationSampler;
import dev.whittle.datasets.CalibrationSet;
import dev.whittle.datasets.CalibrationStyle;
import dev.whittle.datasets.DataDirectory;
import dev.whittle.datasets.DatasetException;
import dev.whittle.datasets.DatasetRegistry;
import dev.whittle.datasets.ResolvedDataset;
import dev.whittle.quantize.Gptq;
import dev.whittle.quantize.ModelQuantizer;
import dev.whittle.quantize.QuantMethod;
import dev.whittle.quantize.QuantPreset;
import dev.whittle.quantize.QuantizationReport;
import dev.whittle.quantize.QuantizeOptions;
import dev.whittle.quantize.TensorReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code whittle quantize MODEL -o OUT.gguf --method rtn|gptq|awq --type q4_0|q4_k_m|q8_0|...}: writes a GGUF file
 * llama.cpp loads. Progress goes to stderr, a per-tensor summary to stdout; the output appears atomically.
 */
@Command(name = "quantize", description = "Quantize a model into a GGUF file (RTN, GPTQ or AWQ into GGUF block types).")
public final class QuantizeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "A .gguf file, a .safetensors file or a HuggingFace model directory.")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "The .gguf file to write.")
    Path output;

    @Option(names = "--method", defaultValue = "rtn", description = "rtn, gptq or awq (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--type", required = true, paramLabel = "TYPE",
            description = "GGUF: q4_0, q4_1, q5_0, q5_1, q8_0, q4_k_s, q4_k_m, q5_k_s, q5_k_m, q6_k. "
                    + "whittle's grouped integers (SafeTensors, compressed-tensors pack-quantized, RTN): int8, int4, int3, int2.")
    String type;

    @Option(names = "--asym", description = "int types: asymmetric (zero points) instead of symmetric.")
    boolean asym;

    @Option(names = "--group-size", paramLabel = "G",
            description = "Weights per scale. GGUF block types fix it (32, or the 256-element super-blocks of k-quants); any other value is refused.")
    Integer groupSize;

    @Option(names = "--act-order", description = "GPTQ: process columns by decreasing Hessian diagonal (with static groups).")
    boolean actOrder;

    @Option(names = "--damp", defaultValue = "0.01", description = "GPTQ: damping as a fraction of mean(diag H) (default: ${DEFAULT-VALUE}).")
    double damp;

    @Option(names = "--awq-duo", description = "AWQ: scales from activations and weights (AutoAWQ's duo scaling).")
    boolean awqDuo;

    @Option(names = "--awq-gptq", description = "AWQ: round the scaled, clipped weights with GPTQ instead of RTN.")
    boolean awqGptq;

    @Option(names = "--calib", defaultValue = "c4-sample", paramLabel = "DATASET", description = "Calibration dataset for gptq/awq (default: ${DEFAULT-VALUE}).")
    String calib;

    @Option(names = "--calib-samples", defaultValue = "128", paramLabel = "N", description = "Calibration windows (default: ${DEFAULT-VALUE}).")
    int calibSamples;

    @Option(names = "--calib-len", defaultValue = "512", paramLabel = "L", description = "Tokens per window (default: ${DEFAULT-VALUE}).")
    int calibLen;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the calibration sampler (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where named datasets live (default: $WHITTLE_DATA, else ~/.cache/whittle/datasets).")
    String dataDir;

    @Override
    public Integer call() throws Exception {
        if (type.toLowerCase(Locale.ROOT).matches("int[2348]")) return quantizeToInts();
        QuantMethod m = QuantMethod.parse(method);
        QuantPreset preset = QuantPreset.parse(type);
        if (groupSize != null) {
            int native0 = preset.defaultType() == DType.Q4_K || preset.defaultType() == DType.Q5_K || preset.defaultType() == DType.Q6_K ? 256 : 32;
            if (groupSize != native0 && groupSize != 32) {
                throw new IllegalArgumentException("--group-size " + groupSize + ": " + preset.name().toLowerCase(Locale.ROOT)
                        + " stores one scale per 32 weights (k-quants: 16/32-weight sub-blocks of 256); other group sizes do not fit a GGUF block type");
            }
        }
        if (!output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            throw new IllegalArgumentException("-o " + output + ": quantize writes GGUF; name the output *.gguf");
        }
        try (Model mdl = ModelLoader.open(model)) {
            CalibrationSet cal = null;
            if (m.calibrated()) {
                var tok = mdl.tokenizer().orElseThrow(() -> new IllegalArgumentException(model + ": no tokenizer, needed to tokenize calibration text"));
                try {
                    ResolvedDataset ds = DatasetRegistry.resolve(calib, DataDirectory.resolve(dataDir));
                    cal = CalibrationSampler.sample(ds, tok, calibSamples, calibLen, seed,
                            m == QuantMethod.AWQ ? CalibrationStyle.AWQ : CalibrationStyle.GPTQ);
                } catch (DatasetException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            QuantizeOptions o = new QuantizeOptions(m, preset, cal, new Gptq.Options(damp, 128, actOrder), awqDuo, awqGptq);
            QuantizationReport r = ModelQuantizer.quantize(mdl, output, o, ConsoleProgress.forStderr());
            for (String f : r.fallbacks()) System.err.println("warning: " + f);
            for (String n : r.notes()) System.err.println("note: " + n);
            Map<String, Integer> counts = new TreeMap<>();
            for (TensorReport t : r.tensors()) {
                counts.merge(t.type().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
                if (!Double.isNaN(t.relativeOutputMse())) {
                    System.out.printf(Locale.ROOT, "%-32s %-5s %-16s rel. output MSE %.3e%n", t.name(),
                            t.type().name().toLowerCase(Locale.ROOT), t.how(), t.relativeOutputMse());
                }
            }
            System.out.println("types: " + counts);
        }
        System.out.println("wrote " + output);
        return 0;
    }

    /**
     * Grouped integer weights into a HF directory vLLM can serve (compressed-tensors pack-quantized). RTN only for
     * now: GPTQ and AWQ write GGUF block types.
     */
    private Integer quantizeToInts() throws Exception {
        int bits = Integer.parseInt(type.substring(3));
        if (!method.equalsIgnoreCase("rtn"))
            throw new IllegalArgumentException("--method " + method + ": int" + bits + " output supports rtn only (gptq/awq write GGUF block types)");
        if (output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf"))
            throw new IllegalArgumentException("-o " + output + ": int" + bits + " is written as a HF SafeTensors directory, not GGUF");
        int group = groupSize == null ? 128 : groupSize;
        if (group < 0) throw new IllegalArgumentException("--group-size " + group + ": must be positive, or 0 for one scale per output channel");
        try (Model mdl = ModelLoader.open(model)) {
            dev.whittle.core.intq.IntExport.write(mdl, output, bits, group, !asym, ConsoleProgress.forStderr());
        }
        System.out.printf(Locale.ROOT, "wrote %s: int%d, %s, %s%n", output, bits, group == 0 ? "per channel" : "group " + group, asym ? "asymmetric" : "symmetric");
        return 0;
    }
}
