package dev.whittle.cli.recipe;

import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.model.TensorNaming;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Tensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code quant_error.<tensor>} metrics of a variant: for every weight matrix whose type differs from the
 * base's, the relative RMS error ‖W − Ŵ‖₂ / ‖W‖₂ over the whole tensor, both dequantized row by row
 * (never whole tensors in memory). Named by the tensor's GGUF name.
 */
public final class QuantErrorMeasure {
    private QuantErrorMeasure() {}

    public static Map<String, Double> compare(Path base, Path variant) {
        Map<String, Double> out = new LinkedHashMap<>();
        try (Model b = ModelLoader.open(base); Model v = ModelLoader.open(variant)) {
            for (String name : v.tensorNames()) {
                Tensor q = v.tensor(name);
                if (q.rank() < 2 || !b.hasTensor(name)) continue;
                Tensor w = b.tensor(name);
                if (w.dtype() == q.dtype() || !Arrays.equals(w.shape(), q.shape())) continue;
                double err = relativeRmsError(w, q);
                out.put(TensorNaming.hfToGguf(name, v.config().architecture()).orElse(name), err);
            }
        }
        return out;
    }

    /** ‖W − Ŵ‖ / ‖W‖ (0 when W is all zeros and Ŵ equals it). */
    static double relativeRmsError(Tensor w, Tensor q) {
        int len = (int) w.rowLength();
        float[] a = new float[len];
        float[] b = new float[len];
        double diff = 0;
        double norm = 0;
        for (long r = 0; r < w.rowCount(); r++) {
            Dequantizer.dequantizeRow(w, r, a);
            Dequantizer.dequantizeRow(q, r, b);
            for (int i = 0; i < len; i++) {
                double d = (double) a[i] - b[i];
                diff += d * d;
                norm += (double) a[i] * a[i];
            }
        }
        return norm == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(diff / norm);
    }
}
