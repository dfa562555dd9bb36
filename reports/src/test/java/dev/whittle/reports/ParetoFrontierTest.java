package dev.whittle.reports;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ParetoFrontierTest {
    private static ParetoFrontier.Point p(String l, double x, double y) {
        return new ParetoFrontier.Point(l, x, y);
    }

    @Test
    void keepsExactlyTheUndominatedPointsSortedBySize() {
        List<ParetoFrontier.Point> pts = List.of(
                p("f32", 32, 8.00), p("f16", 16, 8.01), p("q8", 8.5, 8.02), p("q4_k", 4.9, 8.30),
                p("q4_0", 4.5, 8.60), p("q4_0-bad", 4.5, 8.90), // same size, worse
                p("q5", 5.5, 8.50),                               // bigger and worse than q4_k
                p("q2", 2.6, 12.0));
        assertEquals(List.of("q2", "q4_0", "q4_k", "q8", "f16", "f32"),
                ParetoFrontier.of(pts).stream().map(ParetoFrontier.Point::label).toList());
    }

    @Test
    void identicalPointsAreBothKeptAndEqualYAtLargerXIsDominated() {
        List<ParetoFrontier.Point> f = ParetoFrontier.of(List.of(p("a", 4, 9), p("b", 4, 9), p("c", 8, 9), p("d", 2, 10)));
        assertEquals(List.of("d", "a", "b"), f.stream().map(ParetoFrontier.Point::label).toList());
    }

    @Test
    void nonFiniteAndEmptyInputs() {
        assertEquals(List.of(), ParetoFrontier.of(List.of()));
        assertEquals(List.of("ok"), ParetoFrontier.of(List.of(p("nan", Double.NaN, 1), p("inf", 1, Double.POSITIVE_INFINITY), p("ok", 3, 3)))
                .stream().map(ParetoFrontier.Point::label).toList());
    }

    /** Invariant on a seeded random cloud: nothing on the frontier is dominated, everything off it is. */
    @Test
    void frontierMatchesBruteForceOnRandomPoints() {
        java.util.Random rnd = new java.util.Random(42);
        for (int round = 0; round < 50; round++) {
            List<ParetoFrontier.Point> pts = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) pts.add(p("p" + i, rnd.nextInt(10), rnd.nextInt(10)));
            List<ParetoFrontier.Point> f = ParetoFrontier.of(pts);
            for (ParetoFrontier.Point a : pts) {
                boolean dominated = pts.stream().anyMatch(b -> b.x() <= a.x() && b.y() <= a.y() && (b.x() < a.x() || b.y() < a.y()));
                assertEquals(!dominated, f.contains(a), a.toString());
            }
        }
    }
}
