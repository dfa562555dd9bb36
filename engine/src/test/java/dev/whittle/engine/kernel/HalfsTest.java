package dev.whittle.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class HalfsTest {
    /** The lookup table the kernels read scales through must give the JDK's conversion for every one of the 65536 bit patterns (zeros, subnormals, infinities and NaN payloads included). */
    @Test
    void everyHalfReadsAsTheJdkConversion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(2 * 65536);
            for (int h = 0; h < 65536; h++) s.set(Halfs.LE_SHORT, 2L * h, (short) h);
            for (int h = 0; h < 65536; h++) {
                int expected = Float.floatToRawIntBits(Float.float16ToFloat((short) h));
                assertEquals(expected, Float.floatToRawIntBits(Halfs.half(s, 2L * h)), "half 0x" + Integer.toHexString(h));
            }
        }
    }
}
