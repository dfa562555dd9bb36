package dev.whittle.engine;

import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.RopeScaling;

/**
 * Rotary position angles: the inverse frequencies of HF's rope initialisation (default, "linear" and
 * "llama3" scaling) and per-position cos/sin tables for the rotate-half layout.
 */
final class Rope {
    private final double[] invFreq;

    private Rope(double[] invFreq) {
        this.invFreq = invFreq;
    }

    static Rope of(ModelConfig config) {
        return of(config, null);
    }

    /**
     * @param frequencyFactors llama.cpp's {@code rope_freqs} tensor (GGUF Llama 3.1+): per-pair divisors of the
     *                         base frequencies that encode the llama3 scaling; null if absent. Used only when the
     *                         config names no scaling itself, so the scaling is never applied twice.
     */
    static Rope of(ModelConfig config, float[] frequencyFactors) {
        int half = config.headDim() / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) inv[i] = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim());
        RopeScaling s = config.ropeScaling();
        boolean configScaling = s != null && !s.isNone() && !"default".equals(s.type());
        if (frequencyFactors != null && !configScaling) {
            for (int i = 0; i < half; i++) inv[i] /= frequencyFactors[i];
        }
        if (configScaling) {
            switch (s.type()) {
                case "linear" -> {
                    // positions / factor is the same angle as frequency / factor
                    for (int i = 0; i < half; i++) inv[i] /= s.factor();
                }
                case "llama3" -> llama3(inv, s);
                default -> throw new IllegalArgumentException("unsupported rope_scaling type '" + s.type()
                        + "' (supported: linear, llama3)");
            }
        }
        return new Rope(inv);
    }

    /**
     * Llama 3.1: wavelengths longer than originalContext/lowFreqFactor slow down by factor, shorter than
     * originalContext/highFreqFactor stay, and the band between blends the two linearly in 1/wavelength.
     */
    private static void llama3(double[] inv, RopeScaling s) {
        double old = s.originalMaxPositionEmbeddings();
        double lowWavelen = old / s.lowFreqFactor();
        double highWavelen = old / s.highFreqFactor();
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowWavelen) {
                inv[i] = inv[i] / s.factor();
            } else if (wavelen >= highWavelen) {
                double smooth = (old / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
            }
        }
    }

    int half() {
        return invFreq.length;
    }

    /** Fills cos[0..half) and sin[0..half) with the angles of one position. */
    void angles(int position, float[] cos, float[] sin) {
        for (int i = 0; i < invFreq.length; i++) {
            double a = position * invFreq[i];
            cos[i] = (float) Math.cos(a);
            sin[i] = (float) Math.sin(a);
        }
    }
}
