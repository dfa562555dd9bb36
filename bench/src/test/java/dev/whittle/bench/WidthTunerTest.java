package dev.whittle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class WidthTunerTest {
    @Test
    void candidatesAreTheWidthsTheCpuHas() {
        assertEquals(List.of(256, 512), WidthTuner.candidates(512));
        assertEquals(List.of(256), WidthTuner.candidates(256));
        assertEquals(List.of(128), WidthTuner.candidates(128));
    }

    /** Geometric mean of per-kernel ratios: one kernel 2x slower and one 2x faster is a tie, not a win. */
    @Test
    void relativeTimeIsTheGeometricMeanOfRatios() {
        List<WidthTuner.Row> rows = List.of(new WidthTuner.Row("a", Map.of(256, 20.0, 512, 10.0)),
                new WidthTuner.Row("b", Map.of(256, 5.0, 512, 10.0)));
        Map<Integer, Double> rel = WidthTuner.relative(rows, List.of(256, 512), 512);
        assertEquals(1.0, rel.get(512), 1e-12);
        assertEquals(1.0, rel.get(256), 1e-12);
    }

    @Test
    void theNarrowerWidthMustWinByTheMargin() {
        assertEquals(512, WidthTuner.pick(Map.of(256, 0.98, 512, 1.0), 512), "2 % is within noise");
        assertEquals(256, WidthTuner.pick(Map.of(256, 0.90, 512, 1.0), 512));
        assertEquals(512, WidthTuner.pick(Map.of(256, 1.30, 512, 1.0), 512));
    }

    /** End to end: one probe JVM per width, every kernel case timed in each. */
    @Test
    void tuneTimesEveryCaseAtEveryWidth() throws Exception {
        WidthTuner.Result r = WidthTuner.tune(0.02, line -> {});
        assertEquals(WidthTuner.candidates(FloatVector.SPECIES_PREFERRED.vectorBitSize()), r.widths());
        assertEquals(WidthProbe.cases().size(), r.rows().size());
        for (WidthTuner.Row row : r.rows()) {
            for (int bits : r.widths()) assertTrue(row.micros().get(bits) > 0, row.toString());
        }
        assertTrue(r.widths().contains(r.best()));
        assertTrue(BenchTables.widths(r).contains("time vs"), BenchTables.widths(r));
    }
}
