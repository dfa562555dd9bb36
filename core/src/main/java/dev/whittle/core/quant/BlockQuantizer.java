package dev.whittle.core.quant;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/** The row loop and argument checks shared by all codecs; subclasses encode one block into zeroed bytes. */
abstract class BlockQuantizer implements BlockCodec {
    private final DType type;

    BlockQuantizer(DType type) {
        this.type = type;
    }

    @Override
    public final DType type() {
        return type;
    }

    /** Encodes {@code type().blockSize()} floats from {@code x[xo..]} into {@code out} (all zero on entry). */
    abstract void quantizeBlock(float[] x, int xo, byte[] out);

    @Override
    public final void quantizeRow(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        long bytes = type.byteSize(n);
        if (bytes < 0) {
            throw new IllegalArgumentException(n + " elements is not a whole number of " + type + " blocks of " + type.blockSize());
        }
        if (srcOff < 0 || srcOff > src.length - n) {
            throw new IllegalArgumentException("reading " + n + " floats at " + srcOff + " overruns a source of " + src.length);
        }
        if (dstOff < 0 || dstOff > dst.byteSize() - bytes) {
            throw new IllegalArgumentException("writing " + bytes + " bytes of " + type + " at " + dstOff
                    + " overruns a segment of " + dst.byteSize());
        }
        byte[] block = new byte[type.blockBytes()];
        for (int i = 0; i < n; i += type.blockSize()) {
            Arrays.fill(block, (byte) 0);
            quantizeBlock(src, srcOff + i, block);
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOff, block.length);
            dstOff += block.length;
        }
    }

    @Override
    public final void dequantizeRow(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        Dequantizer.dequantizeRow(type, src, srcOff, dst, dstOff, n);
    }

    @Override
    public String toString() {
        return type + " codec";
    }
}
