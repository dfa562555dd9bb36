package dev.whittle.eval;

/**
 * One model call of a perplexity-style evaluation: the {@code input} tokens go through one batched
 * prefill from an empty cache, and the positions {@code j = firstScored .. input.length-2} are scored,
 * each predicting {@code input[j+1]} from the logits at {@code j}.
 *
 * @param index       0-based window (chunk) number
 * @param start       offset of {@code input[0]} in the evaluated token stream
 * @param input       tokens given to the model (the first may have been replaced by BOS)
 * @param firstScored first scored position inside the window
 */
public record EvalWindow(int index, int start, int[] input, int firstScored) {

    public EvalWindow {
        if (firstScored < 0 || firstScored > input.length - 1) {
            throw new IllegalArgumentException("firstScored " + firstScored + " outside window of " + input.length);
        }
    }

    /** Number of scored predictions in this window. */
    public int scoredCount() {
        return input.length - 1 - firstScored;
    }

    /** The token predicted from the logits at window position {@code j}. */
    public int target(int j) {
        return input[j + 1];
    }
}
