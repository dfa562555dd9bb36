package dev.whittle.engine.kernel;

/**
 * Activations plus, per token and 32-element block, {@code scale · Σx} over the block, for the 32-block kernels
 * whose weights carry a per-block offset: {@code d·(q − c)} (Q4_0, Q5_0) or {@code d·q + m} (Q4_1, Q5_1). The
 * offset then costs one vector op per block instead of one per 16 weights. With {@code scale = −c/L} a block's
 * lane sum started from L lanes of the value subtracts c·Σx; with {@code scale = 1/L} L lanes of m times the
 * value add m·Σx (c and L are powers of two, so these scalings are exact).
 */
record BlockSums(float[] floats, int n, int cols, float[] sums) implements LinearKernel.PreparedInput {
    static final int BLOCK = 32;

    /** One value per token and block: the block's sum times {@code scale}, laid out token-major. */
    static BlockSums of(float[] x, int n, int cols, float scale) {
        int blocks = cols / BLOCK;
        float[] sums = new float[n * blocks];
        for (int t = 0; t < n; t++) {
            for (int b = 0; b < blocks; b++) sums[t * blocks + b] = KernelSpecies.sum(x, t * cols + b * BLOCK, BLOCK) * scale;
        }
        return new BlockSums(x, n, cols, sums);
    }
}
