package dev.whittle.engine;

/** A linear map {@code y = W x + b} applied to a batch of n activation rows. */
interface Projection {
    int inFeatures();

    int outFeatures();

    /** x is [n × inFeatures] row-major; returns [n × outFeatures]. */
    float[] apply(float[] x, int n, Parallel parallel);

    /**
     * Several projections of the same input (Q, K and V; gate and up), each output exactly what its
     * {@link #apply} returns. Kernel projections share one parallel region: one hand-off and one wait instead of
     * one per projection, which on a 135M model was a third of the decode time spent waiting.
     */
    static float[][] applyAll(Projection[] ps, float[] x, int n, Parallel parallel) {
        boolean kernels = true;
        for (Projection p : ps) kernels &= p instanceof KernelProjection && p.inFeatures() == ps[0].inFeatures();
        if (kernels) {
            KernelProjection[] kp = new KernelProjection[ps.length];
            for (int i = 0; i < ps.length; i++) kp[i] = (KernelProjection) ps[i];
            return KernelProjection.applyAll(kp, x, n, parallel);
        }
        float[][] out = new float[ps.length][];
        for (int i = 0; i < ps.length; i++) out[i] = ps[i].apply(x, n, parallel);
        return out;
    }

    /** Adds the bias (if any) to every row of y. */
    static void addBias(float[] y, int n, float[] bias) {
        if (bias == null) return;
        for (int t = 0; t < n; t++) ForwardVectorOps.add(bias, 0, y, t * bias.length, bias.length);
    }
}
