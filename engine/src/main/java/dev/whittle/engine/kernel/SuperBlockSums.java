package dev.whittle.engine.kernel;

/**
 * Activations plus, per token and 256-element super-block, 16 floats of sub-block sums Σx, for the K-quant
 * kernels: a weight {@code scale·q + offset} splits into {@code scale·Σ q·x + offset·Σx}, so the offset (Q4_K's
 * and Q5_K's min, Q6_K's −32) costs one FMA per super-block against these sums instead of one vector op per
 * 16 weights. Sub-blocks of 32 (Q4_K, Q5_K: 8 sums) are stored after 8 zeros, so the 16 floats line up with a
 * super-block's 16 unpacked {@code (d·scale, −dmin·min)} values; sub-blocks of 16 (Q6_K) fill all 16.
 */
record SuperBlockSums(float[] floats, int n, int cols, float[] sums) implements LinearKernel.PreparedInput {
    static final int SUPER_BLOCK = 256;
    /** Floats per token and super-block in {@link #sums}. */
    static final int STRIDE = 16;

    /** Sums over sub-blocks of {@code subSize} (16 or 32) elements, laid out as the class comment says. */
    static SuperBlockSums of(float[] x, int n, int cols, int subSize) {
        int blocks = cols / SUPER_BLOCK, perBlock = SUPER_BLOCK / subSize, lead = STRIDE - perBlock;
        float[] sums = new float[n * blocks * STRIDE];
        for (int t = 0; t < n; t++) {
            for (int b = 0; b < blocks; b++) {
                for (int j = 0; j < perBlock; j++) {
                    sums[(t * blocks + b) * STRIDE + lead + j] = KernelSpecies.sum(x, t * cols + b * SUPER_BLOCK + j * subSize, subSize);
                }
            }
        }
        return new SuperBlockSums(x, n, cols, sums);
    }
}
