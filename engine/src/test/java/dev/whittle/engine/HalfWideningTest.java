package dev.whittle.engine;

import dev.whittle.core.tensor.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vector F16/BF16 widening against the JDK's scalar conversion on every bit pattern. */
class HalfWideningTest {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void everyBitPatternWidensExactly() {
        try (Arena arena = Arena.ofConfined()) {
            // one extra element and an odd byte offset: unaligned loads and a scalar tail
            int n = 65536 + 1;
            MemorySegment seg = arena.allocate(2L * n + 1);
            for (int i = 0; i < n; i++) seg.set(I16, 1 + 2L * i, (short) i);
            float[] f16 = new float[n];
            float[] bf16 = new float[n];
            HalfWidening.widen(DType.F16, seg, 1, f16, n);
            HalfWidening.widen(DType.BF16, seg, 1, bf16, n);
            for (int i = 0; i < n; i++) {
                short h = (short) i;
                float expected = Float.float16ToFloat(h);
                if (Float.isNaN(expected)) {
                    assertEquals(true, Float.isNaN(f16[i]), "F16 NaN 0x" + Integer.toHexString(i & 0xffff));
                } else {
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(f16[i]),
                            "F16 0x" + Integer.toHexString(i & 0xffff));
                }
                assertEquals((i & 0xffff) << 16, Float.floatToRawIntBits(bf16[i]), "BF16 0x" + Integer.toHexString(i & 0xffff));
            }
        }
    }
}
