package dev.whittle.datasets;

import java.util.Arrays;
import java.util.Objects;

/**
 * N calibration sequences of L tokens and what is needed to reproduce them.
 *
 * @param dataset   the dataset's name
 * @param sha256    the SHA-256 of the dataset file the tokens came from
 * @param seed      the sampler's seed
 * @param style     how the windows were drawn
 * @param tokens    [N][L] token ids (no BOS added)
 * @param documents for GPTQ style the document index of each sample; for AWQ style -1 (blocks span documents)
 * @param starts    for GPTQ style the start of each window inside its document; for AWQ style the start in the
 *                  shuffled concatenation
 */
public record CalibrationSet(String dataset, String sha256, long seed, CalibrationStyle style, int[][] tokens,
                             int[] documents, int[] starts) {
    public int samples() {
        return tokens.length;
    }

    public int sequenceLength() {
        return tokens.length == 0 ? 0 : tokens[0].length;
    }

    /** Value equality, arrays included (records compare arrays by identity otherwise). */
    @Override
    public boolean equals(Object o) {
        return o instanceof CalibrationSet c && seed == c.seed && dataset.equals(c.dataset)
                && Objects.equals(sha256, c.sha256) && style == c.style && Arrays.deepEquals(tokens, c.tokens)
                && Arrays.equals(documents, c.documents) && Arrays.equals(starts, c.starts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dataset, sha256, seed, style, Arrays.deepHashCode(tokens));
    }

    @Override
    public String toString() {
        return "CalibrationSet[" + dataset + ", sha256=" + sha256 + ", seed=" + seed + ", " + style + ", "
                + samples() + "x" + sequenceLength() + "]";
    }
}
