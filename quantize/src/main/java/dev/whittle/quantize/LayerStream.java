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
 * next layer (off the heap, see {@link Activations}), quantizes a layer when one of its tensors is first asked for,
 * and keeps only that layer's results. The activations are released after the last layer, or by {@link #close()}.
 */
final class LayerStream implements AutoCloseable {
    private final Model model;
    private final LayerQuantizer quantizer;
    private final int seqLen;
    private final Activations x;
    private int nextLayer;
    private int currentLayer = -1;
    private LayerQuantizer.Output current;
    private double lastLayerSeconds = Double.NaN;

    LayerStream(Model model, QuantizeOptions options, Function<String, DType> typeOf, Function<String, String> ggufName, List<String> notes) {
        this.model = model;
        ModelConfig c = model.config();
        CalibrationSet cal = options.calibration();
        this.seqLen = cal.sequenceLength();
        this.quantizer = new LayerQuantizer(c, new LayerMath(c, seqLen), options, typeOf, ggufName, notes);
        int h = c.hiddenSize();
        this.x = Activations.create(Math.multiplyExact(cal.samples(), seqLen), h);
        try {
            for (int s = 0; s < cal.samples(); s++) x.write(s * seqLen, seqLen, embedSample(model, cal, s));
        } catch (RuntimeException e) {
            x.close();
            throw e;
        }
    }

    /** The embeddings of the whole calibration set, row-major (for tests and small sets). */
    static float[] embed(Model model, CalibrationSet cal) {
        int h = model.config().hiddenSize();
        int seqLen = cal.sequenceLength();
        float[] x = new float[cal.samples() * seqLen * h];
        for (int s = 0; s < cal.samples(); s++) System.arraycopy(embedSample(model, cal, s), 0, x, s * seqLen * h, seqLen * h);
        return x;
    }

    private static float[] embedSample(Model model, CalibrationSet cal, int s) {
        int h = model.config().hiddenSize();
        Tensor table = model.tensor("model.embed_tokens.weight");
        int seqLen = cal.sequenceLength();
        int[] ids = cal.tokens()[s];
        if (ids.length != seqLen) throw new IllegalArgumentException("calibration sample " + s + " has " + ids.length + " tokens, expected " + seqLen);
        float[] x = new float[seqLen * h];
        float[] row = new float[h];
        for (int t = 0; t < seqLen; t++) {
            int id = ids[t];
            if (id < 0 || id >= table.dim(0)) throw new IllegalArgumentException("calibration token " + id + " outside the vocabulary of " + table.dim(0));
            Dequantizer.dequantizeRow(table, id, row);
            System.arraycopy(row, 0, x, t * h, h);
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
            current = quantizer.run(nextLayer, model, x, seqLen);
            lastLayerSeconds = (System.nanoTime() - start) / 1e9;
            currentLayer = nextLayer++;
            if (nextLayer == model.config().numLayers()) x.close(); // the last layer's output is not needed
        }
    }

    @Override
    public void close() {
        x.close();
    }
}
