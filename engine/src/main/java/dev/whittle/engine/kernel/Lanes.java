package dev.whittle.engine.kernel;

import jdk.incubator.vector.FloatVector;

/**
 * Horizontal sums in one fixed order. {@code reduceLanes(ADD)} may add lanes in a different order when C2 has
 * compiled the caller than when it runs interpreted, so the same dot product could differ in its last bit between
 * the first calls and later ones, or between two threads at different stages of warm-up. Results must not depend
 * on that (thread-count and batch invariance), so every kernel reduces through here.
 */
public final class Lanes {
    private Lanes() {}

    /** Lanes 0, 1, 2, ... added left to right. */
    public static float sum(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }
}
