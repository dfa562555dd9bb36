package dev.whittle.engine;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits. Temperature 0 is greedy (argmax, lowest id on ties) and uses no randomness;
 * otherwise softmax at the given temperature, restricted to the smallest set of tokens whose probability mass
 * reaches {@code topP} (nucleus sampling), drawn with a seeded generator so a run is reproducible.
 */
public final class Sampler {
    private final float temperature;
    private final float topP;
    private final SplittableRandom random;

    public Sampler(float temperature, float topP, long seed) {
        if (temperature < 0 || Float.isNaN(temperature)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        this.temperature = temperature;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    public static Sampler greedy() {
        return new Sampler(0, 1, 0);
    }

    public int sample(float[] logits) {
        if (temperature == 0) return argmax(logits);
        int n = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (topP < 1) Arrays.sort(order, (a, b) -> p[b] != p[a] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        // Keep the smallest prefix (by descending probability) whose mass reaches topP.
        int keep = n;
        double mass = 0;
        if (topP < 1) {
            for (int i = 0; i < n; i++) {
                mass += p[order[i]] / sum;
                if (mass >= topP) {
                    keep = i + 1;
                    break;
                }
            }
        }
        double kept = 0;
        for (int i = 0; i < keep; i++) kept += p[order[i]];
        double r = random.nextDouble() * kept;
        double acc = 0;
        for (int i = 0; i < keep; i++) {
            acc += p[order[i]];
            if (r < acc) return order[i];
        }
        return order[keep - 1];
    }

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
