package dev.whittle.quantize;

import dev.whittle.core.intq.IntScheme;
import dev.whittle.core.tensor.DType;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import dev.whittle.engine.kernel.OuterProductGemm;

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
 * Rows are independent given Hinv: each lazy batch quantizes its columns for all rows in parallel, then the
 * batch's error reaches the remaining columns as one float GEMM, X[:, b2:] −= Err · Hinv[b1:b2, b2:], the
 * reference's own {@code W[:, i2:] -= Err1.matmul(Hinv[i1:i2, i2:])} in float32.
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
    public record Prepared(int cols, boolean[] dead, int[] order, float[] hinv, double damp, int dampTries) {
        int deadCount() {
            int d = 0;
            for (boolean b : dead) if (b) d++;
            return d;
        }
    }

    /** Factors the Hessian {@code h} (cols × cols, row-major; not modified) for {@link #quantize(float[], int, int, Prepared, DType, Options)}. */
    public static Prepared prepare(double[] h, int cols, Options options) {
        if (h.length != cols * cols) throw new IllegalArgumentException("Hessian of " + h.length + " entries is not " + cols + "x" + cols);
        boolean[] dead = new boolean[cols];
        double[] diag = new double[cols];
        for (int i = 0; i < cols; i++) {
            diag[i] = h[i * cols + i];
            if (diag[i] == 0) {
                diag[i] = 1;
                dead[i] = true;
            }
        }
        int[] perm = IntStream.range(0, cols).toArray();
        if (options.actOrder()) {
            perm = IntStream.range(0, cols).boxed().sorted(Comparator.comparingDouble((Integer i) -> -diag[i]))
                    .mapToInt(Integer::intValue).toArray();
        }
        double mean = 0;
        for (int i = 0; i < cols; i++) mean += diag[i];
        mean /= cols;
        double damp = options.percDamp() * mean;
        if (!(damp > 0)) damp = options.percDamp();
        Optional<float[]> u = Optional.empty();
        int tries = 0;
        float[] hd = new float[cols * cols];
        while (u.isEmpty()) {
            if (++tries > 12) throw new IllegalStateException("Hessian not positive definite even with damping " + damp);
            // the damped, permuted Hessian in float32, rebuilt from the double sums on every try
            final int[] order = perm;
            IntStream.range(0, cols).parallel().forEach(i -> {
                int src = order[i] * cols;
                for (int j = 0; j < cols; j++) hd[i * cols + j] = (float) h[src + order[j]];
            });
            for (int i = 0; i < cols; i++) hd[i * cols + i] = (float) (diag[perm[i]] + damp);
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
        int[] order = prepared.order();
        float[] hinv = prepared.hinv();
        double damp = prepared.damp();
        int tries = prepared.dampTries();
        int groups = (cols + bsz - 1) / bsz; // integer grids may end in a shorter group
        int rowBytes = groups * grid.blockBytes();
        byte[] data = new byte[rows * rowBytes];
        float[] deq = new float[rows * cols];
        boolean act = options.actOrder();
        // a block's columns must have every earlier column's update when it is fitted: either the block lies inside
        // one lazy batch (batch a multiple of the block) or starts a batch (block a multiple of the batch)
        int bs = options.blockSize() % bsz == 0 || bsz % options.blockSize() == 0 ? options.blockSize() : bsz;
        // x: the weights in processing order, updated as columns are quantized
        float[] x = new float[rows * cols];
        float[] params = new float[rows * groups * np];
        boolean[] fitted = new boolean[rows * groups];
        int[] codes = new int[rows * cols];
        IntStream.range(0, rows).parallel().forEach(r -> {
            if (act) {
                // static groups: scales from the original (dead-zeroed) weights, in file column order
                for (int g = 0; g < groups; g++) {
                    grid.fit(wm, r * cols + g * bsz, params, (r * groups + g) * np);
                    fitted[r * groups + g] = true;
                }
            }
            for (int i = 0; i < cols; i++) x[r * cols + i] = wm[r * cols + order[i]];
        });
        int rowChunks = Math.max(1, Math.min(rows / 4, Runtime.getRuntime().availableProcessors()));
        for (int i1 = 0; i1 < cols; i1 += bs) {
            final int b1 = i1;
            final int b2 = Math.min(cols, i1 + bs);
            final int bw = b2 - b1;
            // -(w - q)/Hinv_ii of every row's batch columns: the left operand of the lazy update
            float[] negErr = new float[rows * bw];
            IntStream.range(0, rows).parallel().forEach(r -> {
                int xr = r * cols;
                for (int i = b1; i < b2; i++) {
                    int col = order[i];
                    int g = col / bsz;
                    int po = (r * groups + g) * np;
                    if (!fitted[r * groups + g]) {
                        // no act-order: col == i, and columns i .. i+bsz-1 have all updates from earlier columns
                        // (within the lazy batch eagerly, from earlier batches at each batch's end)
                        grid.fit(x, xr + i, params, po);
                        fitted[r * groups + g] = true;
                    }
                    float xi = x[xr + i];
                    int code = grid.code(xi, params, po, col % bsz);
                    float v = grid.value(code, params, po, col % bsz);
                    codes[r * cols + col] = code;
                    deq[r * cols + col] = v;
                    int hb = i * cols;
                    float e = (xi - v) / hinv[hb + i];
                    negErr[r * bw + i - b1] = -e;
                    for (int j = i + 1; j < b2; j++) x[xr + j] -= e * hinv[hb + j];
                }
            });
            if (b2 < cols) {
                // X[:, b2:] += (-Err) · Hinv[b1:b2, b2:]: Hinv's rows are already the GEMM's right operand
                int rest = cols - b2;
                IntStream.range(0, rowChunks).parallel().forEach(c -> {
                    int r0 = (int) ((long) rows * c / rowChunks), r1 = (int) ((long) rows * (c + 1) / rowChunks);
                    if (r1 > r0) {
                        OuterProductGemm.multiply(negErr, r0 * bw, bw, 1, hinv, b1 * cols + b2, cols, x, r0 * cols + b2, cols,
                                r1 - r0, rest, bw, true);
                    }
                });
            }
        }
        IntStream.range(0, rows).parallel().forEach(r -> {
            byte[] block = new byte[grid.blockBytes()];
            for (int g = 0; g < groups; g++) {
                Arrays.fill(block, (byte) 0);
                grid.pack(params, (r * groups + g) * np, codes, r * cols + g * bsz, block, 0);
                System.arraycopy(block, 0, data, r * rowBytes + g * block.length, block.length);
            }
        });
        return new Result(type, data, deq, damp, tries, dead);
    }

}
