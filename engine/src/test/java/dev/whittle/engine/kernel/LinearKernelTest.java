package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearKernelTest {
    /** Allowed |result - reference| relative to sum |w_i x_i|: float summation-order differences only. */
    private static final double FLOAT_TOL = 1e-5;

    static Stream<DType> types() {
        return Stream.of(DType.values()).filter(Kernels::isSupported);
    }

    /** Odd row count; cols a few blocks, and for plain floats not a multiple of any vector width. */
    private static int colsFor(DType t) {
        return t.blockSize() == 1 ? 227 : t.blockSize() == 32 ? 32 * 9 : 256 * 3;
    }

    @ParameterizedTest
    @MethodSource("types")
    void vectorMatchesScalarAndSpec(DType type) {
        int rows = 37, cols = colsFor(type);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = RandomWeights.matrix(arena, type, rows, cols, 11);
            for (int n : new int[] {1, 3, 7, 21, 70}) { // 3: the fused path for a few tokens; 7, 21, 70: the panel GEMM
                float[] x = RandomWeights.activations(n * cols, 5 + n);
                float[] vec = run(Kernels.forType(type), type, w, rows, cols, x, n);
                float[] ref = run(Kernels.scalar(type), type, w, rows, cols, x, n);
                double[][] spec = SpecDequant.matvec(type, w, rows, cols, x, n);
                double worstVec = 0, worstRef = 0;
                for (int i = 0; i < n * rows; i++) {
                    double scale = spec[1][i];
                    assertTrue(scale > 0, "degenerate test data");
                    worstVec = Math.max(worstVec, Math.abs(vec[i] - ref[i]) / scale);
                    worstRef = Math.max(worstRef, Math.abs(ref[i] - spec[0][i]) / scale);
                    worstVec = Math.max(worstVec, Math.abs(vec[i] - spec[0][i]) / scale);
                }
                assertTrue(worstVec <= FLOAT_TOL, type + " n=" + n + ": vector vs scalar/spec relative error " + worstVec);
                assertTrue(worstRef <= FLOAT_TOL, type + " n=" + n + ": scalar vs spec relative error " + worstRef);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void batchedTokensEqualSingleTokenRuns(DType type) {
        batchedEqualsSingle(type, colsFor(type));
    }

    /** Rows longer than the kernels' scratch chunks (F16 widens 512 columns at a time), with a ragged tail. */
    @ParameterizedTest
    @MethodSource("types")
    void wideRowsBatchedEqualSingleTokenRuns(DType type) {
        int cols = type.blockSize() == 1 ? 1123 : type.blockSize() * (2048 / type.blockSize() + 1);
        batchedEqualsSingle(type, cols);
    }

    private static void batchedEqualsSingle(DType type, int cols) {
        int rows = 19, n = DecodedRowGemm.MIN_TOKENS - 1; // the fused path: every token's result as if alone
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = RandomWeights.matrix(arena, type, rows, cols, 3);
            float[] x = RandomWeights.activations(n * cols, 9);
            LinearKernel k = Kernels.forType(type);
            float[] batched = run(k, type, w, rows, cols, x, n);
            for (int t = 0; t < n; t++) {
                float[] one = run(k, type, w, rows, cols, Arrays.copyOfRange(x, t * cols, (t + 1) * cols), 1);
                assertArrayEquals(one, Arrays.copyOfRange(batched, t * rows, (t + 1) * rows), type + " token " + t);
            }
        }
    }

    /**
     * One token: rows read several at a time (four or two rows sharing the activation loads, from segments far
     * apart) give each row exactly what {@link FloatRowKernel#dot1} gives it alone. The thread-count test cannot
     * show this: with any split, the same rows go through the multi-row bodies.
     */
    @ParameterizedTest
    @MethodSource("types")
    void multiRowDecodeEqualsOneRowAtATime(DType type) {
        if (!(Kernels.forType(type) instanceof FloatRowKernel k)) return;
        int rows = 70, cols = colsFor(type);
        long rowBytes = type.byteSize(cols);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = RandomWeights.matrix(arena, type, rows, cols, 31);
            float[] x = RandomWeights.activations(cols, 32);
            LinearKernel.PreparedInput in = k.prepare(type, x, 1, cols);
            float[] out = new float[rows];
            k.multiply(type, w, rows, cols, in, out, 0, rows);
            for (int r = 0; r < rows; r++) {
                assertEquals(k.dot1(w, r * rowBytes, cols, in, 0), out[r], 0f, type + " row " + r);
            }
            float[] pair = new float[4];
            k.dot1Rows2(w, 5 * rowBytes, 40 * rowBytes, cols, in, pair, 0, 3);
            assertEquals(k.dot1(w, 5 * rowBytes, cols, in, 0), pair[0], 0f, type + " dot1Rows2, first row");
            assertEquals(k.dot1(w, 40 * rowBytes, cols, in, 0), pair[3], 0f, type + " dot1Rows2, second row");
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void resultsIdenticalForOneTwoThreeThreads(DType type) {
        int rows = 97, cols = colsFor(type);
        for (int n : new int[] {1, 7, 21, 70}) threadCountDoesNotChange(type, rows, cols, n);
    }

    private static void threadCountDoesNotChange(DType type, int rows, int cols, int n) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment w = RandomWeights.matrix(arena, type, rows, cols, 21);
            float[] x = RandomWeights.activations(n * cols, 22);
            float[] first = null;
            for (int threads = 1; threads <= 3; threads++) {
                float[] out = new float[n * rows];
                try (ParallelMatmul pm = new ParallelMatmul(threads)) {
                    pm.matmul(type, w, rows, cols, x, n, out);
                }
                if (first == null) {
                    first = out;
                    float[] ref = run(Kernels.scalar(type), type, w, rows, cols, x, n);
                    for (int i = 0; i < out.length; i++) {
                        assertEquals(ref[i], out[i], 1e-3 * (1 + Math.abs(ref[i])), type + " element " + i);
                    }
                } else {
                    assertArrayEquals(first, out, type + " with " + threads + " threads");
                }
            }
        }
    }

    @Test
    void misuseIsRejectedWithClearMessage() {
        LinearKernel k = Kernels.forType(DType.Q4_0);
        float[] x = new float[64];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.prepare(DType.Q4_0, x, 1, 48));
        assertTrue(e.getMessage().contains("block size"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> k.prepare(DType.Q8_0, x, 1, 64));
        LinearKernel.PreparedInput in = k.prepare(DType.Q4_0, x, 1, 64);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(18 * 3); // 1.5 rows of 2 blocks
            e = assertThrows(IllegalArgumentException.class,
                    () -> k.multiply(DType.Q4_0, small, 2, 64, in, new float[2], 0, 2));
            assertTrue(e.getMessage().contains("bytes"), e.getMessage());
            MemorySegment ok = arena.allocate(18 * 4);
            assertThrows(IllegalArgumentException.class, () -> k.multiply(DType.Q4_0, ok, 2, 64, in, new float[2], 1, 3));
            assertThrows(IllegalArgumentException.class, () -> k.multiply(DType.Q4_0, ok, 2, 64, in, new float[1], 0, 2));
        }
        assertThrows(IllegalArgumentException.class, () -> Kernels.forType(DType.Q2_K));
    }

    static float[] run(LinearKernel k, DType type, MemorySegment w, int rows, int cols, float[] x, int n) {
        float[] out = new float[n * rows];
        k.multiply(type, w, rows, cols, k.prepare(type, x, n, cols), out, 0, rows);
        return out;
    }
}
