package dev.whittle.reports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The variants no other variant beats on both axes, where lower is better on both (size and error):
 * a point is on the frontier unless another has x ≤ and y ≤ with at least one strictly smaller.
 * Identical points are all kept.
 */
public final class ParetoFrontier {
    /** @param label what the point stands for; @param x e.g. bits per weight; @param y e.g. PPL */
    public record Point(String label, double x, double y) {}

    private ParetoFrontier() {}

    /** The frontier's points sorted by x (then y); NaN or infinite coordinates are skipped. */
    public static List<Point> of(List<Point> points) {
        List<Point> finite = points.stream().filter(p -> Double.isFinite(p.x()) && Double.isFinite(p.y())).toList();
        List<Point> sorted = new ArrayList<>(finite);
        sorted.sort(Comparator.comparingDouble(Point::x).thenComparingDouble(Point::y));
        List<Point> frontier = new ArrayList<>();
        // Sweep by x: a point survives iff its y is below every y seen at a strictly smaller x, and not above its x-group's minimum.
        double bestY = Double.POSITIVE_INFINITY;
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j < sorted.size() && sorted.get(j).x() == sorted.get(i).x()) j++;
            double groupMin = sorted.get(i).y();
            if (groupMin < bestY) {
                for (int k = i; k < j && sorted.get(k).y() == groupMin; k++) frontier.add(sorted.get(k));
                bestY = groupMin;
            }
            i = j;
        }
        return frontier;
    }
}
