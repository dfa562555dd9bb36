package dev.whittle.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KQuantsTest {
    /** The packed SWAR extraction must give every scale and min the byte-by-byte reading of the format gives. */
    @Test
    void packedScalesAndMinsMatchTheByteByByteReading() {
        Random rnd = new Random(21);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment field = arena.allocate(12);
            for (int trial = 0; trial < 2000; trial++) {
                for (int i = 0; i < 12; i++) field.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
                if (trial == 0) field.fill((byte) 0xFF); // every bit set: catches a mask that lets a neighbour in
                long lo = field.get(KQuants.LE_LONG, 0);
                int hi = field.get(Halfs.LE_INT, 8);
                long scales = KQuants.scales(lo, hi), mins = KQuants.mins(lo, hi);
                for (int j = 0; j < 8; j++) {
                    assertEquals(KQuants.scale(field, 0, j), KQuants.at(scales, j), "scale " + j + " trial " + trial);
                    assertEquals(KQuants.min(field, 0, j), KQuants.at(mins, j), "min " + j + " trial " + trial);
                }
            }
        }
    }
}
