package dev.whittle.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SamplerTest {
    @Test
    void greedyTakesArgmaxAndLowestIdOnTies() {
        assertEquals(2, Sampler.greedy().sample(new float[] {0.1f, 0.5f, 3f, -1f}));
        assertEquals(1, Sampler.greedy().sample(new float[] {0f, 2f, 2f}));
    }

    @Test
    void sameSeedSameSequenceAndFrequenciesFollowSoftmax() {
        float[] logits = {0f, (float) Math.log(3)}; // p = 0.25, 0.75 at temperature 1
        Sampler a = new Sampler(1f, 1f, 42), b = new Sampler(1f, 1f, 42);
        int ones = 0, n = 20000;
        for (int i = 0; i < n; i++) {
            int x = a.sample(logits);
            assertEquals(x, b.sample(logits));
            ones += x;
        }
        // Binomial(20000, 0.75): sd ≈ 61, so 5 sd ≈ 0.015.
        assertEquals(0.75, ones / (double) n, 0.015);
    }

    @Test
    void topPCutsTheTail() {
        float[] logits = {5f, 0f, 0f, 0f}; // p0 ≈ 0.98
        Sampler s = new Sampler(1f, 0.9f, 7);
        for (int i = 0; i < 1000; i++) assertEquals(0, s.sample(logits));
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new Sampler(-1f, 1f, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(1f, 0f, 0));
    }
}
