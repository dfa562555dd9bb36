package dev.whittle.core.model;

/**
 * The shape and hyper-parameters of a transformer, independent of the file it came from.
 *
 * @param headDim           per-head dimension (usually hiddenSize / numHeads)
 * @param intermediateSize  FFN inner size (GPT-2: 4 × hidden unless n_inner says otherwise)
 * @param contextLength     max positions the model was trained for
 * @param normEps           RMSNorm / LayerNorm epsilon
 * @param attentionBias     q/k/v projections carry biases (Qwen2, GPT-2)
 * @param mlpBias           MLP projections carry biases (GPT-2)
 * @param hiddenAct         "silu" or "gelu_new" / "gelu_pytorch_tanh" / "gelu"
 * @param slidingWindow     Mistral sliding-window attention size, 0 if none
 * @param bosTokenId        -1 if unknown
 * @param eosTokenId        -1 if unknown
 */
public record ModelConfig(
        Architecture architecture,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int intermediateSize,
        int vocabSize,
        int contextLength,
        double ropeTheta,
        RopeScaling ropeScaling,
        double normEps,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        boolean mlpBias,
        String hiddenAct,
        int slidingWindow,
        int bosTokenId,
        int eosTokenId) {

    public int kvDim() { return numKvHeads * headDim; }

    public int qDim() { return numHeads * headDim; }

    /** The same shapes with {@code layers} decoder layers (synthetic models cut short for quick measurements). */
    public ModelConfig withLayers(int layers) {
        if (layers < 1) throw new IllegalArgumentException("layers must be >= 1, got " + layers);
        return new ModelConfig(architecture, hiddenSize, layers, numHeads, numKvHeads, headDim, intermediateSize, vocabSize,
                contextLength, ropeTheta, ropeScaling, normEps, tieWordEmbeddings, attentionBias, mlpBias, hiddenAct,
                slidingWindow, bosTokenId, eosTokenId);
    }
}
