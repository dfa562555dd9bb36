package dev.whittle.engine.kernel;

import java.lang.foreign.MemorySegment;

/** Scalar decoding of one storage block (one element for plain float types) into floats, by the format's definition. */
@FunctionalInterface
interface BlockDecoder {
    void decode(MemorySegment weights, long offset, float[] dst, int dstOffset);
}
