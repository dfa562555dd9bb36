package dev.whittle.core.intq;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IntPackingTest {
    @Test
    void eightBitWorkedExampleFromPackToInt32Docstring() {
        // compressed-tensors pack_to_int32: num_bits=8, [1, 2] -> codes [129, 130] (+128) -> 33409
        assertArrayEquals(new int[] {33409}, IntPacking.pack(new int[] {1, 2}, 0, 2, 8));
        assertEquals(1, IntPacking.unpack(new int[] {33409}, 0, 8));
        assertEquals(2, IntPacking.unpack(new int[] {33409}, 1, 8));
        assertEquals(-128, IntPacking.unpack(new int[] {33409}, 2, 8)); // padding code 0 reads back as -offset
    }

    /** Expected int32 values of compressed-tensors' own test_pack_to_int32 / test_unpack_from_int32 cases. */
    @Test
    void matchesCompressedTensorsPackToInt32TestVectors() {
        check(4, new int[] {1}, 9);
        check(8, new int[] {1}, 129);
        check(4, new int[] {1, 2, 3, 4}, 52137);
        check(4, new int[] {-8, -7, -6, -5, -4, -3, -2, -1}, 1985229328);
        check(8, new int[] {1, 2, 3, 4}, -2071756159);
        check(8, new int[] {-128, -127, -126, -125}, 50462976);
        check(4, new int[] {-8, -7, -6, -5, -4, -3, -2, -1, 1, 2, 3, 4}, 1985229328, 52137);
        check(8, new int[] {1, 2, 3, 4, -128, -127, -126, -125}, -2071756159, 50462976);
    }

    private static void check(int bits, int[] values, int... words) {
        assertArrayEquals(words, IntPacking.pack(values, 0, values.length, bits));
        for (int i = 0; i < values.length; i++) assertEquals(values[i], IntPacking.unpack(words, i, bits));
    }

    @Test
    void fourBitCodesFillWordsFromTheLowestNibble() {
        // signed -8..7 -> codes 0..15; column i of a word sits at bits 4*(i mod 8)
        int[] v = new int[16];
        for (int i = 0; i < 16; i++) v[i] = i - 8;
        int[] w = IntPacking.pack(v, 0, 16, 4);
        assertArrayEquals(new int[] {0x76543210, 0xFEDCBA98}, w);
        for (int i = 0; i < 16; i++) assertEquals(i - 8, IntPacking.unpack(w, i, 4));
    }

    @Test
    void partialWordsArePaddedWithZeroCodes() {
        // 3 values of 4 bits in one word: 7 -> 15, -8 -> 0, 0 -> 8
        assertArrayEquals(new int[] {0x80F}, IntPacking.pack(new int[] {7, -8, 0}, 0, 3, 4));
        // 3-bit: 10 codes per word, top 2 bits unused; 11 values need 2 words
        int[] v = {3, -4, 0, 1, 2, 3, -1, -2, -3, -4, 3};
        int[] w = IntPacking.pack(v, 0, v.length, 3);
        assertEquals(2, w.length);
        assertEquals(0, w[0] >>> 30);
        assertEquals(7, w[1]); // the 11th value, code 3 + 4
        for (int i = 0; i < v.length; i++) assertEquals(v[i], IntPacking.unpack(w, i, 3));
        // 2-bit: 16 codes per word
        assertArrayEquals(new int[] {0b11_10_01_00}, IntPacking.pack(new int[] {-2, -1, 0, 1}, 0, 4, 2));
    }

    @Test
    void outOfRangeValuesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> IntPacking.pack(new int[] {8}, 0, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> IntPacking.pack(new int[] {-129}, 0, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> IntPacking.packFactor(9));
    }

    @Test
    void zeroPointsArePackedAlongRows() {
        // 4-bit, 9 rows, 2 groups: rows 0..7 share word row 0, row 8 goes to word row 1
        int rows = 9, groups = 2;
        int[] zp = new int[rows * groups];
        for (int r = 0; r < rows; r++) {
            zp[r * groups] = r - 8;       // group 0: -8..0
            zp[r * groups + 1] = 7 - r;   // group 1: 7..-1
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = IntQuantizer.packZeroPoints(zp, rows, groups, 4, arena);
            assertEquals(4L * 2 * groups, seg.byteSize());
            assertEquals(0x76543210, seg.get(GroupedIntWeight.I32, 0));      // [0][0]: codes 0..7
            assertEquals(0x89ABCDEF, seg.get(GroupedIntWeight.I32, 4));      // [0][1]: codes 15..8
            assertEquals(8, seg.get(GroupedIntWeight.I32, 8));               // [1][0]: row 8 zp 0 -> code 8
            assertEquals(7, seg.get(GroupedIntWeight.I32, 12));              // [1][1]: row 8 zp -1 -> code 7
        }
    }
}
