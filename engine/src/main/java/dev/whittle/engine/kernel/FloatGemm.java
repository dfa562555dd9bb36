package dev.whittle.engine.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked F32 GEMM: {@code C[i*ldc + j] (+)= sum_k A[i*k + p] * B[j*k + p]} for i < m rows of A and
 * j < n rows of B, both operands row-major with k contiguous (weight rows x activation rows, as in matmul).
 *
 * <p>Contract: every output element is computed with the same summation order (one vector accumulator over
 * the k prefix in lane order, reduced by KernelSpecies.sum's fixed pairwise order, then the scalar tail in
 * order), whatever tile it falls
 * in, so results do not depend on m/n blocking or on the thread count (threads split rows only). The result is
 * added to C when {@code accumulate}, otherwise C is overwritten. Micro-kernel: 4 rows x 4 columns
 * (16 accumulators, 8 loads per 16 FMAs); reductions go straight to C (an array of the 16 vectors defeated
 * escape analysis: 0.2 GFLOP/s). Measured 87 GFLOP/s at m=2048, k=2048, n=64, 1 thread (Zen4, AVX-512).
 * Cache-blocked over B's rows only: a block of B rows sized to stay in L2 is swept by every row of A before the
 * next block (without it each 4-row step of A streamed all of a 46 MB weight matrix from memory). Blocking k
 * would change the summation order, so it is not done. Prefill's panels and quantize's calibration math use it.
 */
public final class FloatGemm {
    private static final VectorSpecies<Float> S = KernelSpecies.F;

    private FloatGemm() {
    }

    /** Single-threaded GEMM; see the class comment for the contract. */
    public static void multiply(float[] a, float[] b, float[] c, int m, int n, int k, int ldc, boolean accumulate) {
        rows(a, 0, k, b, 0, k, c, 0, 0, m, n, k, ldc, accumulate);
    }

    /**
     * Single-threaded GEMM on sub-matrices: A's rows start at {@code a[aOff]}, B's at {@code b[bOff]} (both still
     * k floats per row), C's element (i, j) is {@code c[cOff + i*ldc + j]}. Same contract as {@link #multiply}.
     */
    public static void multiply(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int n, int k,
            int ldc, boolean accumulate) {
        rows(a, aOff, k, b, bOff, k, c, cOff, 0, m, n, k, ldc, accumulate);
    }

    /**
     * Single-threaded GEMM on strided sub-matrices: row i of A starts at {@code a[aOff + i*lda]}, row j of B at
     * {@code b[bOff + j*ldb]} (k floats used of each), so blocks of a larger row-major matrix need no packing.
     */
    public static void multiply(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
            int m, int n, int k, boolean accumulate) {
        rows(a, aOff, lda, b, bOff, ldb, c, cOff, 0, m, n, k, ldc, accumulate);
    }

    /** Multi-threaded GEMM splitting the m rows over {@code threads} workers; results match {@link #multiply}. */
    public static void multiply(float[] a, float[] b, float[] c, int m, int n, int k, int ldc, boolean accumulate,
            int threads) {
        if (threads <= 1 || m < 8) {
            multiply(a, b, c, m, n, k, ldc, accumulate);
            return;
        }
        int blocks = (m + 3) / 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = Math.min(m, blocks * t / threads * 4);
                int to = Math.min(m, blocks * (t + 1) / threads * 4);
                if (from < to) parts.add(pool.submit(() -> rows(a, 0, k, b, 0, k, c, 0, from, to, n, k, ldc, accumulate)));
            }
            for (Future<?> f : parts) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdown();
        }
    }

    /** Bytes of B kept hot while all rows of A sweep them: half of a 1-2 MB L2. */
    private static final int B_BLOCK_BYTES = 512 * 1024;

    private static void rows(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int from,
            int to, int n, int k, int ldc, boolean acc) {
        int nb = Math.max(4, B_BLOCK_BYTES / 4 / Math.max(1, k) & ~3); // rows of B kept hot
        for (int jb = 0; jb < n; jb += nb) {
            int je = Math.min(n, jb + nb);
            int i = from;
            for (; i + 4 <= to; i += 4) {
                int j = jb;
                for (; j + 4 <= je; j += 4) tile4x4(a, aOff, lda, b, bOff, ldb, c, cOff, i, j, k, ldc, acc);
                for (; j < je; j++) for (int r = 0; r < 4; r++) single(a, aOff, lda, b, bOff, ldb, c, cOff, i + r, j, k, ldc, acc);
            }
            for (; i < to; i++) for (int j = jb; j < je; j++) single(a, aOff, lda, b, bOff, ldb, c, cOff, i, j, k, ldc, acc);
        }
    }

    private static void tile4x4(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int i,
            int j, int k, int ldc, boolean acc) {
        int a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int bound = S.loopBound(k);
        for (int p = 0; p < bound; p += S.length()) {
            FloatVector x0 = FloatVector.fromArray(S, b, b0 + p), x1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector x2 = FloatVector.fromArray(S, b, b2 + p), x3 = FloatVector.fromArray(S, b, b3 + p);
            FloatVector w = FloatVector.fromArray(S, a, a0 + p);
            c00 = w.fma(x0, c00); c01 = w.fma(x1, c01); c02 = w.fma(x2, c02); c03 = w.fma(x3, c03);
            w = FloatVector.fromArray(S, a, a1 + p);
            c10 = w.fma(x0, c10); c11 = w.fma(x1, c11); c12 = w.fma(x2, c12); c13 = w.fma(x3, c13);
            w = FloatVector.fromArray(S, a, a2 + p);
            c20 = w.fma(x0, c20); c21 = w.fma(x1, c21); c22 = w.fma(x2, c22); c23 = w.fma(x3, c23);
            w = FloatVector.fromArray(S, a, a3 + p);
            c30 = w.fma(x0, c30); c31 = w.fma(x1, c31); c32 = w.fma(x2, c32); c33 = w.fma(x3, c33);
        }
        finish(a, b, c, a0, b0, cOff + (i + 0) * ldc + j + 0, k, acc, bound, KernelSpecies.sum(c00));
        finish(a, b, c, a0, b1, cOff + (i + 0) * ldc + j + 1, k, acc, bound, KernelSpecies.sum(c01));
        finish(a, b, c, a0, b2, cOff + (i + 0) * ldc + j + 2, k, acc, bound, KernelSpecies.sum(c02));
        finish(a, b, c, a0, b3, cOff + (i + 0) * ldc + j + 3, k, acc, bound, KernelSpecies.sum(c03));
        finish(a, b, c, a1, b0, cOff + (i + 1) * ldc + j + 0, k, acc, bound, KernelSpecies.sum(c10));
        finish(a, b, c, a1, b1, cOff + (i + 1) * ldc + j + 1, k, acc, bound, KernelSpecies.sum(c11));
        finish(a, b, c, a1, b2, cOff + (i + 1) * ldc + j + 2, k, acc, bound, KernelSpecies.sum(c12));
        finish(a, b, c, a1, b3, cOff + (i + 1) * ldc + j + 3, k, acc, bound, KernelSpecies.sum(c13));
        finish(a, b, c, a2, b0, cOff + (i + 2) * ldc + j + 0, k, acc, bound, KernelSpecies.sum(c20));
        finish(a, b, c, a2, b1, cOff + (i + 2) * ldc + j + 1, k, acc, bound, KernelSpecies.sum(c21));
        finish(a, b, c, a2, b2, cOff + (i + 2) * ldc + j + 2, k, acc, bound, KernelSpecies.sum(c22));
        finish(a, b, c, a2, b3, cOff + (i + 2) * ldc + j + 3, k, acc, bound, KernelSpecies.sum(c23));
        finish(a, b, c, a3, b0, cOff + (i + 3) * ldc + j + 0, k, acc, bound, KernelSpecies.sum(c30));
        finish(a, b, c, a3, b1, cOff + (i + 3) * ldc + j + 1, k, acc, bound, KernelSpecies.sum(c31));
        finish(a, b, c, a3, b2, cOff + (i + 3) * ldc + j + 2, k, acc, bound, KernelSpecies.sum(c32));
        finish(a, b, c, a3, b3, cOff + (i + 3) * ldc + j + 3, k, acc, bound, KernelSpecies.sum(c33));
    }

    private static void finish(float[] a, float[] b, float[] c, int ar, int bt, int ci, int k, boolean acc,
            int bound, float s) {
        for (int p = bound; p < k; p++) s += a[ar + p] * b[bt + p];
        store(c, ci, s, acc);
    }

    private static void single(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int i,
            int j, int k, int ldc, boolean acc) {
        int ar = aOff + i * lda, bt = bOff + j * ldb;
        FloatVector v = FloatVector.zero(S);
        int bound = S.loopBound(k);
        for (int p = 0; p < bound; p += S.length()) {
            v = FloatVector.fromArray(S, a, ar + p).fma(FloatVector.fromArray(S, b, bt + p), v);
        }
        float s = KernelSpecies.sum(v);
        for (int p = bound; p < k; p++) s += a[ar + p] * b[bt + p];
        store(c, cOff + i * ldc + j, s, acc);
    }

    private static void store(float[] c, int idx, float s, boolean acc) {
        c[idx] = acc ? c[idx] + s : s;
    }
}
