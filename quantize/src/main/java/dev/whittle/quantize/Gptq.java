package dev.whittle.quantize;

import dev.whittle.core.intq.IntScheme;
import dev.whittle.core.tensor.DType;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * GPTQ (Frantar et al. 2023, IST-DASLab/gptq {@code gptq.py}) for one linear layer, quantizing straight onto a GGUF
 * block type's grid so the result is a standard block-quantized tensor.
 * <ol>
 *   <li>dead inputs (diag H = 0) get H_ii = 1 and a zero weight column;</li>
 *   <li>optional act-order: columns processed by decreasing diag H, with static groups (each block's
 *       scale fitted up front from the original weights, as AutoGPTQ's {@code static_groups}), so blocks stay the
 *       file's contiguous 32 columns;</li>
 *   <li>damping λ = percdamp · mean(diag H), multiplied by 10 until the Cholesky factorisation succeeds;</li>
 *   <li>{@code Hinv} = upper Cholesky factor of H⁻¹; columns quantized in order, each error (w - q)/Hinv_ii fed
 *       back to the not yet quantized columns, lazily in batches of {@code blockSize} columns;</li>
 *   <li>without act-order a block's scale is fitted, exactly as the format's quantizer, from the updated weights
 *       when its first column is reached (k-quants: the whole 256-element super-block, all its sub-block scales).</li>
 * </ol>
 * Rows are independent given Hinv and run in parallel.
 */
public final class Gptq {
    /** @param percDamp fraction of mean(diag H) added to the diagonal; @param blockSize lazy-batch width */
    public record Options(double percDamp, int blockSize, boolean actOrder) {
        public static final Options DEFAULT = new Options(0.01, 128, false);

        public Options {
            if (!(percDamp > 0)) throw new IllegalArgumentException("damping must be > 0, got " + percDamp);
            if (blockSize < 1) throw new IllegalArgumentException("block size must be >= 1, got " + blockSize);
        }

        public Options withActOrder(boolean a) {
            return new Options(percDamp, blockSize, a);
        }
    }

    /**
     * @param data        the tensor's bytes in {@code type}
     * @param dequantized what a reader decodes from them (rows × cols)
     * @param damp        the damping finally added to the diagonal
     * @param dampTries   how many factorisations it took (1 when the first damping sufficed)
     * @param deadColumns inputs that were always zero in the calibration data
     */
    public record Result(DType type, byte[] data, float[] dequantized, double damp, int dampTries, int deadColumns) {}

    /**
     * Weight rows quantized together: they share each read of a Hinv row in the lazy updates, which otherwise
     * stream the whole (up to 250 MB) factor once per weight row. Rows stay independent, so results are the
     * same as one row at a time.
     */
    private static final int ROW_GROUP = 8;

    private Gptq() {}

    /** Whether GPTQ can target {@code type}. */
    public static boolean supports(DType type) {
        return BlockGrid.of(type).isPresent();
    }

    /**
     * What GPTQ derives from a layer Hessian alone, shared by every weight that reads the same input (q/k/v,
     * gate/up): the dead columns, the column order, the damping and {@code Hinv}, the upper Cholesky factor of the
     * damped inverse in that order. Computing it once per Hessian instead of once per weight saves three of a
     * Llama layer's seven factorisations.
     */
    public record Prepared(int cols, boolean[] dead, int[] order, double[] hinv, double damp, int dampTries) {
        int deadCount() {
            int d = 0;
            for (boolean b : dead) if (b) d++;
            return d;
        }
    }

    /** Factors the Hessian {@code h} (cols × cols, row-major; not modified) for {@link #quantize(float[], int, int, Prepared, DType, Options)}. */
    public static Prepared prepare(double[] h, int cols, Options options) {
        if (h.length != cols * cols) throw new IllegalArgumentException("Hessian of " + h.length + " entries is not " + cols + "x" + cols);
        double[] hm = h.clone();
        boolean[] dead = new boolean[cols];
        for (int i = 0; i < cols; i++) {
            if (hm[i * cols + i] == 0) {
                hm[i * cols + i] = 1;
                dead[i] = true;
            }
        }
        int[] perm = IntStream.range(0, cols).toArray();
        if (options.actOrder()) {
            double[] diag = new double[cols];
            for (int i = 0; i < cols; i++) diag[i] = hm[i * cols + i];
            perm = IntStream.range(0, cols).boxed().sorted(Comparator.comparingDouble((Integer i) -> -diag[i]))
                    .mapToInt(Integer::intValue).toArray();
        }
        double[] hp = options.actOrder() ? permute(hm, cols, perm) : hm;
        double mean = 0;
        for (int i = 0; i < cols; i++) mean += hp[i * cols + i];
        mean /= cols;
        double damp = options.percDamp() * mean;
        if (!(damp > 0)) damp = options.percDamp();
        Optional<double[]> u = Optional.empty();
        int tries = 0;
        while (u.isEmpty()) {
            if (++tries > 12) throw new IllegalStateException("Hessian not positive definite even with damping " + damp);
            double[] hd = tries == 1 ? hp : hp.clone();
            if (tries == 1) hp = hp.clone(); // keep an undamped copy for a retry
            for (int i = 0; i < cols; i++) hd[i * cols + i] += damp;
            u = Cholesky.upperOfInverseInPlace(hd, cols);
            if (u.isEmpty()) damp *= 10;
        }
        return new Prepared(cols, dead, perm, u.get(), damp, tries);
    }

    /**
     * Quantizes {@code w} (rows × cols, row-major; not modified) to {@code type} using the layer Hessian {@code h}
     * (cols × cols, row-major; not modified).
     */
    public static Result quantize(float[] w, int rows, int cols, double[] h, DType type, Options options) {
        checkTarget(type, cols);
        return quantize(w, rows, cols, prepare(h, cols, options), type, options);
    }

    private static BlockGrid checkTarget(DType type, int cols) {
        BlockGrid grid = BlockGrid.of(type).orElseThrow(() -> new IllegalArgumentException("GPTQ cannot target " + type
                + " (supported: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K)"));
        if (cols % grid.blockSize() != 0) {
            throw new IllegalArgumentException("row length " + cols + " is not a multiple of " + type + "'s block of " + grid.blockSize());
        }
        return grid;
    }

    /** As above with the Hessian already factored by {@link #prepare}. */
    public static Result quantize(float[] w, int rows, int cols, Prepared prepared, DType type, Options options) {
        return quantize(w, rows, cols, prepared, checkTarget(type, cols), options);
    }

    /**
     * GPTQ onto a grouped integer grid ({@link IntGrid}); groups are contiguous columns (static groups under
     * act-order), so the result is the plain pack-quantized layout without a g_idx.
     */
    public static IntResult quantize(float[] w, int rows, int cols, Prepared prepared, IntScheme scheme, Options options) {
        IntGrid grid = new IntGrid(scheme, cols);
        Result r = quantize(w, rows, cols, prepared, grid, options);
        int groups = (cols + grid.blockSize() - 1) / grid.blockSize();
        int bb = grid.blockBytes();
        int[] codes = new int[rows * cols];
        float[] scales = new float[rows * groups];
        int[] zeros = new int[rows * groups];
        for (int row = 0; row < rows; row++) {
            for (int g = 0; g < groups; g++) {
                int off = (row * groups + g) * bb;
                scales[row * groups + g] = IntGrid.scaleOf(r.data(), off);
                zeros[row * groups + g] = IntGrid.intAt(r.data(), off + 4);
                for (int j = 0, c0 = g * grid.blockSize(); j < grid.blockSize() && c0 + j < cols; j++) codes[row * cols + c0 + j] = r.data()[off + 8 + j];
            }
        }
        return new IntResult(scheme, codes, scales, zeros, r.dequantized(), r.damp(), r.dampTries(), r.deadColumns());
    }

    /**
     * GPTQ onto an integer scheme: signed {@code codes} [rows × cols], {@code scales} and signed {@code zeroPoints}
     * [rows × groups] (zero points all 0 when symmetric), and what a reader dequantizes them to.
     */
    public record IntResult(IntScheme scheme, int[] codes, float[] scales, int[] zeroPoints, float[] dequantized,
                            double damp, int dampTries, int deadColumns) {}

    private static Result quantize(float[] w, int rows, int cols, Prepared prepared, BlockGrid grid, Options options) {
        DType type = grid.type;
        int bsz = grid.blockSize();
        int np = grid.paramCount();
        if (w.length != rows * cols || prepared.cols() != cols) throw new IllegalArgumentException("shape mismatch: w " + w.length + ", Hessian for " + prepared.cols() + " columns, for " + rows + "x" + cols);
        float[] wm = w.clone();
        boolean[] deadCols = prepared.dead();
        for (int i = 0; i < cols; i++) {
            if (deadCols[i]) for (int r = 0; r < rows; r++) wm[r * cols + i] = 0;
        }
        int dead = prepared.deadCount();
        int[] perm = prepared.order();
        double[] hinv = prepared.hinv();
        double damp = prepared.damp();
        int tries = prepared.dampTries();
        int groups = (cols + bsz - 1) / bsz; // integer grids may end in a shorter group
        int rowBytes = groups * grid.blockBytes();
        byte[] data = new byte[rows * rowBytes];
        float[] deq = new float[rows * cols];
        int[] order = perm;
        boolean act = options.actOrder();
        // a block's columns must have every earlier column's update when it is fitted: either the block lies inside
        // one lazy batch (batch a multiple of the block) or starts a batch (block a multiple of the batch)
        int bs = options.blockSize() % bsz == 0 || bsz % options.blockSize() == 0 ? options.blockSize() : bsz;
        int rowGroups = (rows + ROW_GROUP - 1) / ROW_GROUP;
        IntStream.range(0, rowGroups).parallel().forEach(rg -> {
            int r0 = rg * ROW_GROUP;
            int nr = Math.min(ROW_GROUP, rows - r0);
            float[][] params = new float[nr][groups * np];
            boolean[][] fitted = new boolean[nr][groups];
            float[][] x = new float[nr][cols];
            int[][] codes = new int[nr][cols];
            double[][] err = new double[nr][bs];
            double[][] acc = new double[nr][];
            for (int q = 0; q < nr; q++) {
                int r = r0 + q;
                if (act) {
                    // static groups: scales from the original (dead-zeroed) weights, in file column order
                    for (int g = 0; g < groups; g++) {
                        grid.fit(wm, r * cols + g * bsz, params[q], g * np);
                        fitted[q][g] = true;
                    }
                }
                for (int i = 0; i < cols; i++) x[q][i] = wm[r * cols + order[i]];
            }
            for (int i1 = 0; i1 < cols; i1 += bs) {
                int i2 = Math.min(cols, i1 + bs);
                for (int i = i1; i < i2; i++) {
                    int col = order[i];
                    int g = col / bsz;
                    int hb = i * cols;
                    for (int q = 0; q < nr; q++) {
                        float[] xq = x[q];
                        if (!fitted[q][g]) {
                            // no act-order: col == i, and columns i .. i+bsz-1 have all updates from earlier columns
                            // (within the lazy batch eagerly, from earlier batches at each batch's end)
                            grid.fit(xq, i, params[q], g * np);
                            fitted[q][g] = true;
                        }
                        int code = grid.code(xq[i], params[q], g * np, col % bsz);
                        float v = grid.value(code, params[q], g * np, col % bsz);
                        codes[q][col] = code;
                        deq[(r0 + q) * cols + col] = v;
                        double e = (xq[i] - v) / hinv[hb + i];
                        err[q][i - i1] = e;
                        for (int j = i + 1; j < i2; j++) xq[j] -= (float) (e * hinv[hb + j]);
                    }
                }
                if (i2 < cols) {
                    for (int q = 0; q < nr; q++) {
                        if (acc[q] == null || acc[q].length < cols - i2) acc[q] = new double[cols - i2];
                        else Arrays.fill(acc[q], 0, cols - i2, 0);
                    }
                    // each row of Hinv is read once for the whole group of weight rows
                    for (int k = i1; k < i2; k++) {
                        int hb = k * cols;
                        for (int q = 0; q < nr; q++) {
                            double e = err[q][k - i1];
                            if (e == 0) continue;
                            double[] aq = acc[q];
                            for (int j = i2; j < cols; j++) aq[j - i2] += e * hinv[hb + j];
                        }
                    }
                    for (int q = 0; q < nr; q++) {
                        for (int j = i2; j < cols; j++) x[q][j] -= (float) acc[q][j - i2];
                    }
                }
            }
            byte[] block = new byte[grid.blockBytes()];
            for (int q = 0; q < nr; q++) {
                int r = r0 + q;
                for (int g = 0; g < groups; g++) {
                    Arrays.fill(block, (byte) 0);
                    grid.pack(params[q], g * np, codes[q], g * bsz, block, 0);
                    System.arraycopy(block, 0, data, r * rowBytes + g * block.length, block.length);
                }
            }
        });
        return new Result(type, data, deq, damp, tries, dead);
    }

    private static double[] permute(double[] h, int n, int[] perm) {
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) out[i * n + j] = h[perm[i] * n + perm[j]];
        return out;
    }
}
