package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The llama.cpp-style alternative for Q8_0 and Q4_0 weights: activations quantized to Q8 blocks in
 * {@link #prepare}, then per block an exact int8 × int8 dot product (widened to 16-bit products, summed in
 * 32-bit lanes) scaled once by d_w · d_x. Kept to measure against the float-decode kernels; see the figures
 * in {@link Kernels}. Fixed at 512-bit int/float lanes (16 products per block half widened at once), so it
 * needs AVX-512 to be fast. The integer part is exact, so {@link #blockDotScalar} and the vector lanes agree bit for bit.
 */
public final class Int8DotKernel implements LinearKernel {
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final DType type;

    public Int8DotKernel(DType type) {
        if (type != DType.Q8_0 && type != DType.Q4_0) throw new IllegalArgumentException("int8 dot kernel reads Q8_0 or Q4_0, not " + type);
        this.type = type;
    }

    @Override
    public boolean supports(DType dtype) {
        return dtype == type;
    }

    @Override
    public PreparedInput prepare(DType weightType, float[] x, int n, int cols) {
        KernelChecks.checkPrepare(this, weightType, x, n, cols);
        return Q8Activations.quantize(x, n, cols);
    }

    @Override
    public void multiply(DType weightType, MemorySegment weights, int rows, int cols, PreparedInput in, float[] out,
                         int rowStart, int rowEnd) {
        long rowBytes = KernelChecks.checkMultiply(this, weightType, weights, rows, cols, in, out, rowStart, rowEnd);
        if (!(in instanceof Q8Activations q)) throw new IllegalArgumentException("input was not prepared by this kernel");
        for (int r = rowStart; r < rowEnd; r++) {
            for (int t = 0; t < q.n(); t++) {
                out[t * rows + r] = type == DType.Q8_0
                        ? dotQ8(weights, r * rowBytes, cols, q, t * cols)
                        : dotQ4(weights, r * rowBytes, cols, q, t * cols);
            }
        }
    }

    private static float dotQ8(MemorySegment w, long rowOff, int cols, Q8Activations x, int xOff) {
        FloatVector acc = FloatVector.zero(F8);
        for (int b = 0; b < cols / 32; b++) {
            long bo = rowOff + 34L * b;
            int xb = xOff + 32 * b;
            acc = ((FloatVector) q8Block(w, bo, x.quants(), xb).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(F8, Halfs.half(w, bo) * x.scales()[xb >> 5]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    private static float dotQ4(MemorySegment w, long rowOff, int cols, Q8Activations x, int xOff) {
        FloatVector acc = FloatVector.zero(F8);
        for (int b = 0; b < cols / 32; b++) {
            long bo = rowOff + 18L * b;
            int xb = xOff + 32 * b;
            acc = ((FloatVector) q4Block(w, bo, x.quants(), xb).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(F8, Halfs.half(w, bo) * x.scales()[xb >> 5]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Integer products of one Q8_0 weight block with 32 activation quants, in 16 int lanes whose sum is the exact dot. */
    static IntVector q8Block(MemorySegment w, long bo, byte[] xq, int xb) {
        ShortVector p = ShortVector.zero(S16);
        for (int g = 0; g < 2; g++) {
            ShortVector wv = (ShortVector) ByteVector.fromMemorySegment(B16, w, bo + 2 + 16 * g, LE).convertShape(VectorOperators.B2S, S16, 0);
            ShortVector xv = (ShortVector) ByteVector.fromArray(B16, xq, xb + 16 * g).convertShape(VectorOperators.B2S, S16, 0);
            p = p.add(wv.mul(xv)); // |sum of 2 products| <= 2 * 128 * 127: fits 16 bits
        }
        return widen(p);
    }

    /** As {@link #q8Block} for a Q4_0 weight block (nibbles re-centred to -8..7). */
    static IntVector q4Block(MemorySegment w, long bo, byte[] xq, int xb) {
        ByteVector q = ByteVector.fromMemorySegment(B16, w, bo + 2, LE);
        ShortVector lo = (ShortVector) q.and((byte) 15).sub((byte) 8).convertShape(VectorOperators.B2S, S16, 0);
        ShortVector hi = (ShortVector) q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8).convertShape(VectorOperators.B2S, S16, 0);
        ShortVector x0 = (ShortVector) ByteVector.fromArray(B16, xq, xb).convertShape(VectorOperators.B2S, S16, 0);
        ShortVector x1 = (ShortVector) ByteVector.fromArray(B16, xq, xb + 16).convertShape(VectorOperators.B2S, S16, 0);
        return widen(lo.mul(x0).add(hi.mul(x1)));
    }

    /** 16 short lanes to 16 int lanes (one 512-bit conversion; a two-part 256-bit split is not intrinsified). */
    private static IntVector widen(ShortVector p) {
        return (IntVector) p.convertShape(VectorOperators.S2I, I16, 0);
    }

    /** Scalar twin: the exact integer dot product of one weight block with one activation block. */
    static int blockDotScalar(DType type, MemorySegment w, long blockOff, byte[] xq, int xOff) {
        int sum = 0;
        for (int j = 0; j < 32; j++) {
            int wq = type == DType.Q8_0 ? w.get(ValueLayout.JAVA_BYTE, blockOff + 2 + j)
                    : (((w.get(ValueLayout.JAVA_BYTE, blockOff + 2 + j % 16) & 0xFF) >> (j < 16 ? 0 : 4)) & 15) - 8;
            sum += wq * xq[xOff + j];
        }
        return sum;
    }
}
