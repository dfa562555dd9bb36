package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.VectorOperators;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Int8DotKernelTest {
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q8_0", "Q4_0"})
    void integerBlockDotsEqualScalarExactly(DType type) {
        int blocks = 64;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = RandomWeights.matrix(arena, type, 1, 32 * blocks, 31);
            Q8Activations x = Q8Activations.quantize(RandomWeights.activations(32 * blocks, 32), 1, 32 * blocks);
            for (int b = 0; b < blocks; b++) {
                long bo = (long) b * type.blockBytes();
                int scalar = Int8DotKernel.blockDotScalar(type, w, bo, x.quants(), 32 * b);
                int vector = (type == DType.Q8_0 ? Int8DotKernel.q8Block(w, bo, x.quants(), 32 * b)
                        : Int8DotKernel.q4Block(w, bo, x.quants(), 32 * b)).reduceLanes(VectorOperators.ADD);
                assertEquals(scalar, vector, type + " block " + b);
            }
        }
    }

    /** Against the spec dequantization in double: the only extra error is activation rounding, |dx| <= d_x / 2 per element. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q8_0", "Q4_0"})
    void matvecWithinActivationQuantizationBound(DType type) {
        int rows = 23, cols = 32 * 9;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = RandomWeights.matrix(arena, type, rows, cols, 41);
            for (int n : new int[] {1, 7}) {
                float[] xf = RandomWeights.activations(n * cols, 42 + n);
                LinearKernel k = new Int8DotKernel(type);
                LinearKernel.PreparedInput in = k.prepare(type, xf, n, cols);
                float[] out = new float[n * rows];
                k.multiply(type, w, rows, cols, in, out, 0, rows);
                double[][] spec = SpecDequant.matvec(type, w, rows, cols, xf, n);
                float[] scales = ((Q8Activations) in).scales();
                for (int t = 0; t < n; t++) {
                    for (int r = 0; r < rows; r++) {
                        double bound = 1e-5 * spec[1][t * rows + r];
                        for (int c = 0; c < cols; c++) {
                            long block = r * type.byteSize(cols) + (long) (c / 32) * type.blockBytes();
                            bound += Math.abs(SpecDequant.element(type, w, block, c % 32)) * scales[(t * cols + c) / 32] / 2;
                        }
                        double err = Math.abs(out[t * rows + r] - spec[0][t * rows + r]);
                        assertTrue(err <= bound, type + " t=" + t + " r=" + r + ": error " + err + " > bound " + bound);
                    }
                }
            }
        }
    }
}
