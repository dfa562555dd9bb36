package dev.whittle.engine;

/** RMSNorm (bias null) or LayerNorm (with bias) over rows of {@code weight.length} elements. */
record Norm(float[] weight, float[] bias, float eps) {
    int size() {
        return weight.length;
    }

    void apply(float[] x, int xOff, float[] out, int outOff) {
        if (bias == null) ForwardVectorOps.rmsNorm(x, xOff, weight, eps, out, outOff, weight.length);
        else ForwardVectorOps.layerNorm(x, xOff, weight, bias, eps, out, outOff, weight.length);
    }

    /** Normalises rows [from, from+count) of x into a new [count × size] array. */
    float[] rows(float[] x, int from, int count) {
        int d = weight.length;
        float[] out = new float[count * d];
        for (int t = 0; t < count; t++) apply(x, (from + t) * d, out, t * d);
        return out;
    }
}
