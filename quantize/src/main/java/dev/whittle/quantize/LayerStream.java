package dev.whittle.quantize;

import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Tensor;
import dev.whittle.datasets.CalibrationSet;

import java.util.List;
import java.util.function.Function;

/**
 * Walks the decoder layers once, in order, for a calibrated method: holds the calibration activations entering the
 * next layer, quantizes a layer when one of its tensors is first asked for, and keeps only that layer's results.
 */
final class LayerStream {
    private final Model model;
    private final LayerQuantizer quantizer;
    private final int tokens;
    private float[] x;
    private int nextLayer;
    private int currentLayer = -1;
    private LayerQuantizer.Output current;
    private double lastLayerSeconds = Double.NaN;

    LayerStream(Model model, QuantizeOptions options, Function<String, DType> typeOf, Function<String, String> ggufName, List<String> notes) {
        this.model = model;
        ModelConfig c = model.config();
        CalibrationSet cal = options.calibration();
        int seqLen = cal.sequenceLength();
        this.tokens = cal.samples() * seqLen;
        this.quantizer = new LayerQuantizer(c, new LayerMath(c, seqLen), options, typeOf, ggufName, notes);
        this.x = embed(model, cal);
    }

    static float[] embed(Model model, CalibrationSet cal) {
        int h = model.config().hiddenSize();
        Tensor table = model.tensor("model.embed_tokens.weight");
        int seqLen = cal.sequenceLength();
        float[] x = new float[cal.samples() * seqLen * h];
        float[] row = new float[h];
        for (int s = 0; s < cal.samples(); s++) {
            int[] ids = cal.tokens()[s];
            if (ids.length != seqLen) throw new IllegalArgumentException("calibration sample " + s + " has " + ids.length + " tokens, expected " + seqLen);
            for (int t = 0; t < seqLen; t++) {
                int id = ids[t];
                if (id < 0 || id >= table.dim(0)) throw new IllegalArgumentException("calibration token " + id + " outside the vocabulary of " + table.dim(0));
                Dequantizer.dequantizeRow(table, id, row);
                System.arraycopy(row, 0, x, (s * seqLen + t) * h, h);
            }
        }
        return x;
    }

    LayerQuantizer.Encoded tensor(int layer, String canonical) {
        advanceTo(layer);
        LayerQuantizer.Encoded e = current.tensors().get(canonical);
        if (e == null) throw new IllegalStateException("layer " + layer + " produced no " + canonical);
        return e;
    }

    List<TensorReport> reports(int layer) {
        advanceTo(layer);
        return current.reports();
    }

    /** Wall time of the most recently quantized layer (NaN before the first). */
    double lastLayerSeconds() {
        return lastLayerSeconds;
    }

    /** Whether asking for {@code layer} will quantize it now (it is not the current one). */
    boolean isPending(int layer) {
        return layer != currentLayer;
    }

    private void advanceTo(int layer) {
        if (layer == currentLayer) return;
        if (layer < nextLayer) throw new IllegalStateException("layer " + layer + " asked for after layer " + currentLayer);
        while (nextLayer <= layer) {
            current = null; // release the previous layer before computing the next
            long start = System.nanoTime();
            current = quantizer.run(nextLayer, model, x, tokens);
            lastLayerSeconds = (System.nanoTime() - start) / 1e9;
            x = current.next();
            currentLayer = nextLayer++;
        }
    }
}
