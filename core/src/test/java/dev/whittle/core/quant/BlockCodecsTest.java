package dev.whittle.core.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Half;
import dev.whittle.core.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BlockCodecsTest {
    @Test
    void everyBlockTypeHasACodecOfThatType() {
        int found = 0;
        for (DType t : DType.values()) {
            if (t.isBlockQuantized()) {
                assertEquals(t, BlockCodecs.forType(t).type());
                found++;
            } else {
                assertTrue(BlockCodecs.find(t).isEmpty());
                var e = assertThrows(IllegalArgumentException.class, () -> BlockCodecs.forType(t));
                assertTrue(e.getMessage().contains(t.name()));
            }
        }
        assertEquals(11, found);
    }

    @Test
    void quantizesAWholeTensorRowByRow() {
        // 3 rows of 512: each row must equal quantizeRow on that row alone (rows never share blocks).
        float[] x = QuantTestSupport.gaussian(3, 3 * 512);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment f32 = arena.allocate(4L * x.length);
            MemorySegment.copy(x, 0, f32, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, x.length);
            Tensor src = new Tensor("blk.0.w", new long[] {3, 512}, DType.F32, f32);
            for (DType t : new DType[] {DType.Q4_K, DType.Q8_0, DType.Q6_K}) {
                Tensor q = BlockCodecs.quantize(src, t, arena);
                assertEquals("blk.0.w", q.name());
                assertArrayEquals(new long[] {3, 512}, q.shape());
                assertEquals(t, q.dtype());
                assertEquals(t.byteSize(3 * 512), q.byteSize());
                for (int r = 0; r < 3; r++) {
                    byte[] row = QuantTestSupport.quantize(t, Arrays.copyOfRange(x, 512 * r, 512 * (r + 1)));
                    long rb = t.byteSize(512);
                    assertArrayEquals(row, q.data().asSlice(r * rb, rb).toArray(ValueLayout.JAVA_BYTE), t + " row " + r);
                }
                float[] back = Dequantizer.toFloatArray(q);
                assertTrue(QuantTestSupport.relativeRmse(x, back) < 0.08, t.name());
            }
        }
    }

    @Test
    void acceptsNonF32SourcesByDecodingThem() {
        // An F16 tensor holding values that are exact in f16 quantizes exactly like their float values.
        float[] x = QuantTestSupport.gaussian(4, 64);
        for (int i = 0; i < x.length; i++) x[i] = Half.round(x[i]);
        MemorySegment f16 = Arena.ofAuto().allocate(128);
        for (int i = 0; i < 64; i++) f16.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i, Half.fromFloat(x[i]));
        Tensor q = BlockCodecs.quantize(new Tensor("h", new long[] {64}, DType.F16, f16), DType.Q8_0, Arena.ofAuto());
        assertArrayEquals(QuantTestSupport.quantize(DType.Q8_0, x), q.data().toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void misuseIsRejected() {
        MemorySegment f32 = Arena.ofAuto().allocate(4 * 48);
        Tensor src = new Tensor("w", new long[] {48}, DType.F32, f32);
        var e = assertThrows(IllegalArgumentException.class, () -> BlockCodecs.quantize(src, DType.Q8_0, Arena.ofAuto()));
        assertTrue(e.getMessage().contains("48") && e.getMessage().contains("32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BlockCodecs.quantize(src, DType.F16, Arena.ofAuto()));
        MemorySegment small = Arena.ofAuto().allocate(34);
        BlockCodec c = BlockCodecs.forType(DType.Q8_0);
        assertThrows(IllegalArgumentException.class, () -> c.quantizeRow(new float[64], 0, small, 0, 64));
        assertThrows(IllegalArgumentException.class, () -> c.quantizeRow(new float[32], 1, small, 0, 32));
        assertThrows(IllegalArgumentException.class, () -> c.quantizeRow(new float[33], 0, small, 0, 33));
    }
}
