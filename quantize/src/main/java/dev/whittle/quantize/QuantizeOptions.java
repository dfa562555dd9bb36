package dev.whittle.quantize;

import dev.whittle.core.intq.IntScheme;
import dev.whittle.datasets.CalibrationSet;

/**
 * What {@link ModelQuantizer} does.
 *
 * @param method      RTN, GPTQ or AWQ
 * @param preset      the file type (q4_0, q4_k_m, ...)
 * @param calibration token windows for GPTQ/AWQ (null for RTN)
 * @param gptq        GPTQ's damping, lazy-batch width and act-order
 * @param awqDuo      AWQ scales s = mean|x|^α / mean|ŵ|^(1-α) (AutoAWQ's duo scaling) instead of mean|x|^α
 * @param awqGptq     after AWQ's scaling and clipping, round with GPTQ instead of RTN
 * @param intScheme   null for GGUF block types (the preset); else every decoder-layer linear goes to this grouped
 *                    integer scheme, written as compressed-tensors pack-quantized SafeTensors
 */
public record QuantizeOptions(QuantMethod method, QuantPreset preset, CalibrationSet calibration, Gptq.Options gptq,
                              boolean awqDuo, boolean awqGptq, IntScheme intScheme) {
    public QuantizeOptions(QuantMethod method, QuantPreset preset, CalibrationSet calibration, Gptq.Options gptq,
                           boolean awqDuo, boolean awqGptq) {
        this(method, preset, calibration, gptq, awqDuo, awqGptq, null);
    }

    /** The same options writing {@code scheme} (compressed-tensors) instead of GGUF blocks. */
    public QuantizeOptions withIntScheme(IntScheme scheme) {
        return new QuantizeOptions(method, preset, calibration, gptq, awqDuo, awqGptq, scheme);
    }

    public QuantizeOptions {
        if (method == null || preset == null || gptq == null) throw new IllegalArgumentException("method, preset and gptq options are required");
        if (method.calibrated() && (calibration == null || calibration.samples() == 0)) {
            throw new IllegalArgumentException(method + " needs calibration data (--calib)");
        }
    }

    public static QuantizeOptions rtn(QuantPreset preset) {
        return new QuantizeOptions(QuantMethod.RTN, preset, null, Gptq.Options.DEFAULT, false, false);
    }

    public static QuantizeOptions gptq(QuantPreset preset, CalibrationSet calibration, boolean actOrder) {
        return new QuantizeOptions(QuantMethod.GPTQ, preset, calibration, Gptq.Options.DEFAULT.withActOrder(actOrder), false, false);
    }

    public static QuantizeOptions awq(QuantPreset preset, CalibrationSet calibration) {
        return new QuantizeOptions(QuantMethod.AWQ, preset, calibration, Gptq.Options.DEFAULT, false, false);
    }
}
