package dev.whittle.quantize;

import dev.whittle.core.quant.BlockCodecs;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GPTQ grids reproduce ggml's reference quantizers exactly on unchanged blocks. */
class BlockGridTest {
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0"})
    void fitRoundPackEqualsTheCodec(DType type) {
        BlockGrid grid = BlockGrid.of(type).orElseThrow();
        Random rnd = new Random(7);
        for (int trial = 0; trial < 2000; trial++) {
            float[] x = new float[32];
            int kind = trial % 4;
            for (int i = 0; i < 32; i++) {
                x[i] = switch (kind) {
                    case 0 -> (float) rnd.nextGaussian();
                    case 1 -> (float) (rnd.nextGaussian() * 1e-3 + 0.5);
                    case 2 -> i == 5 ? 3f : (float) rnd.nextGaussian() * 0.1f; // one outlier
                    default -> trial % 8 == 3 ? 0f : (float) Math.round(rnd.nextGaussian() * 4) / 8f; // ties, zeros
                };
            }
            byte[] expected = new byte[type.blockBytes()];
            BlockCodecs.forType(type).quantizeRow(x, 0, MemorySegment.ofArray(expected), 0, 32);
            float[] p = new float[BlockGrid.PARAMS];
            grid.fit(x, 0, p, 0);
            int[] codes = new int[32];
            float[] values = new float[32];
            for (int i = 0; i < 32; i++) {
                codes[i] = grid.code(x[i], p, 0);
                values[i] = grid.value(codes[i], p, 0);
            }
            byte[] actual = new byte[type.blockBytes()];
            grid.pack(p, 0, codes, 0, actual, 0);
            assertArrayEquals(expected, actual, type + " trial " + trial);
            float[] decoded = new float[32];
            Dequantizer.dequantizeRow(type, MemorySegment.ofArray(actual), 0, decoded, 0, 32);
            assertArrayEquals(decoded, values, 0f, type + " values, trial " + trial);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q4_K", "Q5_K", "Q6_K"})
    void kQuantFitRoundPackEqualsTheCodec(DType type) {
        BlockGrid grid = BlockGrid.of(type).orElseThrow();
        Random rnd = new Random(11);
        int exactBytes = 0;
        for (int trial = 0; trial < 300; trial++) {
            float[] x = new float[256];
            for (int i = 0; i < 256; i++) {
                x[i] = switch (trial % 3) {
                    case 0 -> (float) rnd.nextGaussian();
                    case 1 -> (float) (rnd.nextGaussian() * (1 + i / 32)) + 0.3f; // sub-blocks of different ranges
                    default -> i % 50 == 0 ? 4f : (float) rnd.nextGaussian() * 0.05f; // outliers
                };
            }
            byte[] expected = new byte[type.blockBytes()];
            BlockCodecs.forType(type).quantizeRow(x, 0, MemorySegment.ofArray(expected), 0, 256);
            float[] p = new float[grid.paramCount()];
            grid.fit(x, 0, p, 0);
            int[] codes = new int[256];
            float[] values = new float[256];
            for (int i = 0; i < 256; i++) {
                codes[i] = grid.code(x[i], p, 0, i);
                values[i] = grid.value(codes[i], p, 0, i);
            }
            byte[] actual = new byte[type.blockBytes()];
            grid.pack(p, 0, codes, 0, actual, 0);
            float[] want = new float[256];
            float[] got = new float[256];
            Dequantizer.dequantizeRow(type, MemorySegment.ofArray(expected), 0, want, 0, 256);
            Dequantizer.dequantizeRow(type, MemorySegment.ofArray(actual), 0, got, 0, 256);
            // a sub-block whose 6-bit scale rounds to 0 decodes to one value whatever its codes: compare values
            assertArrayEquals(want, got, 0f, type + " trial " + trial);
            assertArrayEquals(got, values, 0f, type + " values, trial " + trial);
            if (java.util.Arrays.equals(expected, actual)) exactBytes++;
        }
        assertTrue(exactBytes >= 290, type + ": only " + exactBytes + " of 300 blocks byte-identical");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0"})
    void valuesOutsideTheFittedRangeClampToTheEndCodes(DType type) {
        BlockGrid grid = BlockGrid.of(type).orElseThrow();
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) x[i] = (i - 16) / 16f;
        float[] p = new float[BlockGrid.PARAMS];
        grid.fit(x, 0, p, 0);
        int hi = grid.code(100f, p, 0);
        int lo = grid.code(-100f, p, 0);
        float vhi = grid.value(hi, p, 0);
        float vlo = grid.value(lo, p, 0);
        // the extreme codes are the largest and smallest values of the grid
        for (int c = Math.min(lo, hi); c <= Math.max(lo, hi); c++) {
            float v = grid.value(c, p, 0);
            assertEquals(true, v <= vhi && v >= vlo, type + " code " + c);
        }
        assertEquals(true, vhi >= 0.85f && vlo <= -0.85f, type + ": " + vlo + " .. " + vhi);
    }
}
