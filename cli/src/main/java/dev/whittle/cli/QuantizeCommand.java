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
@Command(name = "quantize", description = "Quantize a model (RTN, GPTQ or AWQ) into GGUF block types or grouped integers (compressed-tensors SafeTensors).")
public final class QuantizeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "A .gguf file, a .safetensors file or a HuggingFace model directory.")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "The .gguf file to write.")
    Path output;

    @Option(names = "--method", defaultValue = "rtn", description = "rtn, gptq or awq (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--type", required = true, paramLabel = "TYPE",
            description = "GGUF: q4_0, q4_1, q5_0, q5_1, q8_0, q4_k_s, q4_k_m, q5_k_s, q5_k_m, q6_k. "
                    + "whittle's grouped integers (SafeTensors directory, compressed-tensors pack-quantized; rtn, gptq or awq): int8, int4, int3, int2.")
    String type;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "gguf or safetensors (default: gguf for GGUF block types, safetensors for int types; other pairings are refused).")
    String format;

    @Option(names = "--asym", description = "int types: asymmetric (zero points) instead of symmetric.")
    boolean asym;

    @Option(names = "--group-size", paramLabel = "G",
            description = "Weights per scale. int types: any divisor of the rows (default 128), 0 for one scale per output channel. GGUF block types fix it (32, or the 256-element super-blocks of k-quants); any other value is refused.")
    Integer groupSize;

    @Option(names = "--act-order", description = "GPTQ: process columns by decreasing Hessian diagonal (with static groups).")
    boolean actOrder;

    @Option(names = "--damp", defaultValue = "0.01", description = "GPTQ: damping as a fraction of mean(diag H) (default: ${DEFAULT-VALUE}).")
    double damp;

    @Option(names = "--awq-duo", description = "AWQ: scales from activations and weights (AutoAWQ's duo scaling).")
    boolean awqDuo;

    @Option(names = "--awq-gptq", description = "AWQ: round the scaled, clipped weights with GPTQ instead of RTN.")
    boolean awqGptq;

    @Option(names = "--calib", defaultValue = "c4-sample", paramLabel = "DATASET", description = "Calibration dataset for gptq/awq: a name from `whittle datasets list` or a text file (default: ${DEFAULT-VALUE}).")
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
        boolean ints = type.toLowerCase(Locale.ROOT).matches("int[2348]");
        if (format != null) {
            String f = format.toLowerCase(Locale.ROOT);
            if (!f.equals("gguf") && !f.equals("safetensors")) throw new IllegalArgumentException("--format " + format + ": expected gguf or safetensors");
            if (ints && f.equals("gguf"))
                throw new IllegalArgumentException("--format gguf: " + type + " has no GGUF block type; int types are written as safetensors (compressed-tensors), GGUF needs q4_0, q8_0, q4_k_m, ...");
            if (!ints && f.equals("safetensors"))
                throw new IllegalArgumentException("--format safetensors: " + type + " is a GGUF block type; safetensors output needs --type int8, int4, int3 or int2");
        }
        if (ints) return quantizeToInts();
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
            CalibrationSet cal = calibration(mdl, m);
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

    private CalibrationSet calibration(Model mdl, QuantMethod m) {
        if (!m.calibrated()) return null;
        var tok = mdl.tokenizer().orElseThrow(() -> new IllegalArgumentException(model + ": no tokenizer, needed to tokenize calibration text"));
        try {
            ResolvedDataset ds = DatasetRegistry.resolve(calib, DataDirectory.resolve(dataDir));
            return CalibrationSampler.sample(ds, tok, calibSamples, calibLen, seed,
                    m == QuantMethod.AWQ ? CalibrationStyle.AWQ : CalibrationStyle.GPTQ);
        } catch (DatasetException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Grouped integer weights into a HF directory vLLM can serve (compressed-tensors pack-quantized), rounded by
     * RTN, GPTQ (optionally act-order, static groups) or AWQ (optionally --awq-gptq / --awq-duo).
     */
    private Integer quantizeToInts() throws Exception {
        int bits = Integer.parseInt(type.substring(3));
        QuantMethod m = QuantMethod.parse(method);
        if (actOrder && m == QuantMethod.RTN) throw new IllegalArgumentException("--act-order: only for --method gptq (or awq with --awq-gptq)");
        if (output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf"))
            throw new IllegalArgumentException("-o " + output + ": int" + bits + " is written as a HF SafeTensors directory, not GGUF");
        int group = groupSize == null ? 128 : groupSize;
        if (group < 0) throw new IllegalArgumentException("--group-size " + group + ": must be positive, or 0 for one scale per output channel");
        try (Model mdl = ModelLoader.open(model)) {
            // the preset only names a GGUF file type; integer targets ignore it
            QuantizeOptions o = new QuantizeOptions(m, QuantPreset.parse("q8_0"), calibration(mdl, m), new Gptq.Options(damp, 128, actOrder), awqDuo, awqGptq)
                    .withIntScheme(dev.whittle.core.intq.IntScheme.of(bits, group, !asym));
            QuantizationReport r = ModelQuantizer.quantize(mdl, output, o, ConsoleProgress.forStderr());
            for (String n : r.notes()) System.err.println("note: " + n);
            for (TensorReport t : r.tensors()) {
                if (!Double.isNaN(t.relativeOutputMse()))
                    System.out.printf(Locale.ROOT, "%-44s %-24s rel. output MSE %.3e%n", t.name(), t.how(), t.relativeOutputMse());
            }
        }
        System.out.printf(Locale.ROOT, "wrote %s: %s int%d, %s, %s%n", output, m.name().toLowerCase(Locale.ROOT), bits, group == 0 ? "per channel" : "group " + group, asym ? "asymmetric" : "symmetric");
        return 0;
    }
}
