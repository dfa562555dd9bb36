package dev.whittle.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.Test;

class KernelSpeciesTest {
    /**
     * lowNibbles must be the low 4 bits of each lane for every byte value the kernels feed it (zero-extended
     * bytes, 0..255), in every lane: at 16 lanes it is a table lookup that relies on index wrapping.
     */
    @Test
    void lowNibblesAreTheLowFourBitsOfEveryByteInEveryLane() {
        int l = KernelSpecies.L;
        int[] lanes = new int[l];
        for (int start = 0; start < 256; start++) {
            for (int i = 0; i < l; i++) lanes[i] = (start + 37 * i) & 0xFF;
            FloatVector v = KernelSpecies.lowNibbles(IntVector.fromArray(KernelSpecies.I, lanes, 0));
            for (int i = 0; i < l; i++) {
                assertEquals((float) (lanes[i] & 15), v.lane(i), "byte " + lanes[i] + " in lane " + i);
            }
        }
    }
}
