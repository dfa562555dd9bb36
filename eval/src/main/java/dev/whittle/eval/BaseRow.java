package dev.whittle.eval;

/**
 * The base model's distribution at one scored position.
 *
 * @param logProbs  log-probabilities over the vocabulary; {@code -∞} marks entries that were dropped
 *                  (below the saved file's floor), which then count as probability 0
 * @param top1      the base model's most likely token
 * @param targetNll the base model's negative log-likelihood of the correct token, full precision
 */
public record BaseRow(double[] logProbs, int top1, double targetNll) {

    /** The exact row from logits {@code row[offset .. offset+vocab)} predicting {@code target}. */
    public static BaseRow fromLogits(float[] row, int offset, int vocab, int target) {
        double[] lp = new double[vocab];
        LogSoftmax.logProbs(row, offset, vocab, lp);
        return new BaseRow(lp, LogSoftmax.argmax(row, offset, vocab), -lp[target]);
    }
}
