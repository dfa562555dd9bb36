package dev.whittle.core.intq;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading hand-built compressed-tensors parameters (as another producer would write them) into grouped weights. */
class GroupedIntWeightsTest {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final Path SRC = Path.of("hand-built.safetensors");

    @Test
    void asymmetricInt4WithBf16ScalesDequantizesByHand() {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> t = new LinkedHashMap<>();
            // 2 rows × 16 cols, groups of 8: row 0 codes 0..15, row 1 codes 15..0
            t.put("l.weight_packed", ints(arena, "l.weight_packed", new long[] {2, 2}, 0x76543210, 0xFEDCBA98, 0x89ABCDEF, 0x01234567));
            // BF16 scales: 0.5, 1, 2, 0.25 (exact in bf16: upper 16 bits of the float)
            t.put("l.weight_scale", bf16(arena, "l.weight_scale", new long[] {2, 2}, 0.5f, 1f, 2f, 0.25f));
            // zero points [rows, groups] = [[1, -2], [0, 3]] packed along rows: word[g] = (zp[0][g]+8) | (zp[1][g]+8) << 4
            t.put("l.weight_zero_point", ints(arena, "l.weight_zero_point", new long[] {1, 2}, 9 | 8 << 4, 6 | 11 << 4));
            t.put("l.weight_shape", ints(arena, "l.weight_shape", new long[] {2}, 2, 16)); // I32 shape, as param_info declares
            Map<String, GroupedIntWeight> found = GroupedIntWeights.find(t, null, SRC);
            GroupedIntWeight w = found.get("l.weight");
            assertEquals(4, w.bits()); // inferred: 2 words for 16 columns
            assertEquals(8, w.groupSize());
            assertEquals(DType.BF16, w.scaleType());
            float[] row = new float[16];
            w.dequantizeRow(0, row);
            float[] expected0 = new float[16];
            for (int c = 0; c < 16; c++) expected0[c] = c < 8 ? (c - 8 - 1) * 0.5f : (c - 8 + 2) * 1f;
            assertArrayEquals(expected0, row);
            w.dequantizeRow(1, row);
            float[] expected1 = new float[16];
            for (int c = 0; c < 16; c++) expected1[c] = c < 8 ? (15 - c - 8 - 0) * 2f : (15 - c - 8 - 3) * 0.25f;
            assertArrayEquals(expected1, row);
            assertTrue(GroupedIntWeights.isParameterTensor("l.weight_zero_point"));
        }
    }

    @Test
    void brokenParametersFailWithOneLineMessages() {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("l.weight_packed", ints(arena, "l.weight_packed", new long[] {2, 2}, 0, 0, 0, 0));
            t.put("l.weight_shape", ints(arena, "l.weight_shape", new long[] {2}, 2, 16));
            assertMessage(t, "missing tensor l.weight_scale");
            t.put("l.weight_scale", bf16(arena, "l.weight_scale", new long[] {2, 5}, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)); // no group size gives 5 groups of 16
            assertMessage(t, "groups");
            t.put("l.weight_scale", bf16(arena, "l.weight_scale", new long[] {2, 2}, 1, 1, 1, 1));
            t.put("l.weight_shape", ints(arena, "l.weight_shape", new long[] {2}, 3, 16));
            assertMessage(t, "rows");
            t.put("l.weight_shape", ints(arena, "l.weight_shape", new long[] {2}, 2, 16));
            t.put("l.weight_zero_point", ints(arena, "l.weight_zero_point", new long[] {2, 2}, 0, 0, 0, 0));
            assertMessage(t, "zero points packed along rows");
        }
    }

    private static void assertMessage(Map<String, Tensor> t, String part) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GroupedIntWeights.find(t, null, SRC));
        assertTrue(e.getMessage().contains(part) && !e.getMessage().contains("\n"), e.getMessage());
    }

    private static Tensor ints(Arena arena, String name, long[] shape, int... v) {
        MemorySegment s = arena.allocate(4L * v.length);
        for (int i = 0; i < v.length; i++) s.set(I32, 4L * i, v[i]);
        return new Tensor(name, shape, DType.I32, s);
    }

    private static Tensor bf16(Arena arena, String name, long[] shape, float... v) {
        MemorySegment s = arena.allocate(2L * v.length);
        for (int i = 0; i < v.length; i++) s.set(I16, 2L * i, (short) (Float.floatToIntBits(v[i]) >>> 16));
        return new Tensor(name, shape, DType.BF16, s);
    }
}
