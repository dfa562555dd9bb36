package dev.whittle.engine;

/** A linear map {@code y = W x + b} applied to a batch of n activation rows. */
interface Projection {
    int inFeatures();

    int outFeatures();

    /** x is [n × inFeatures] row-major; returns [n × outFeatures]. */
    float[] apply(float[] x, int n, Parallel parallel);

    /** Adds the bias (if any) to every row of y. */
    static void addBias(float[] y, int n, float[] bias) {
        if (bias == null) return;
        for (int t = 0; t < n; t++) ForwardVectorOps.add(bias, 0, y, t * bias.length, bias.length);
    }
}
