package dev.whittle.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.whittle.bench.RegressionGate.Status.NOT_IN_BASELINE;
import static dev.whittle.bench.RegressionGate.Status.OK;
import static dev.whittle.bench.RegressionGate.Status.REGRESSED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegressionGateTest {
    static final List<BenchJson.Entry> BASE = List.of(new BenchJson.Entry("pp512", 2, 100.0), new BenchJson.Entry("tg128", 2, 10.0));

    static RegressionGate.Verdict gate(double pp, double tg) {
        return RegressionGate.compare(BASE, List.of(new BenchJson.Entry("pp512", 2, pp), new BenchJson.Entry("tg128", 2, tg)), 0.05);
    }

    @Test
    void fourPercentSlowerPasses() {
        RegressionGate.Verdict v = gate(96.0, 9.6);
        assertFalse(v.failed());
        assertEquals(List.of(OK, OK), v.findings().stream().map(RegressionGate.Finding::status).toList());
        assertEquals(0.96, v.findings().get(0).ratio(), 1e-12);
    }

    @Test
    void sixPercentSlowerFails() {
        RegressionGate.Verdict v = gate(100.0, 9.4);
        assertTrue(v.failed());
        assertEquals(1, v.regressions().size());
        RegressionGate.Finding f = v.regressions().get(0);
        assertEquals("tg128", f.test());
        assertEquals("tg128 (2 threads): 9.40 t/s vs baseline 10.00 t/s (-6.0%, limit -5.0%): regression", f.message(0.05));
    }

    @Test
    void fasterPasses() {
        RegressionGate.Verdict v = gate(150.0, 20.0);
        assertFalse(v.failed());
        assertEquals("pp512 (2 threads): 150.00 t/s vs baseline 100.00 t/s (+50.0%, limit -5.0%)", v.findings().get(0).message(0.05));
    }

    @Test
    void testMissingFromTheBaselineIsReportedNotFailed() {
        RegressionGate.Verdict v = RegressionGate.compare(BASE,
                List.of(new BenchJson.Entry("pp128", 2, 1.0), new BenchJson.Entry("tg128", 1, 1.0), new BenchJson.Entry("tg128", 2, 10.0)), 0.05);
        assertFalse(v.failed());
        // Matched by test and thread count: tg128 at 1 thread is a different test from tg128 at 2.
        assertEquals(List.of(NOT_IN_BASELINE, NOT_IN_BASELINE, OK), v.findings().stream().map(RegressionGate.Finding::status).toList());
        assertEquals("pp128 (2 threads): 1.00 t/s, not in the baseline", v.findings().get(0).message(0.05));
    }

    @Test
    void ratiosNotAbsoluteDifferences() {
        // 0.6 t/s slower is 6 % of 10 t/s (fails) but 0.6 % of 100 t/s (passes).
        assertEquals(List.of(OK, REGRESSED), gate(99.4, 9.4).findings().stream().map(RegressionGate.Finding::status).toList());
    }

    @Test
    void thresholds() {
        assertEquals(0.05, RegressionGate.parseThreshold("5%"), 1e-15);
        assertEquals(0.05, RegressionGate.parseThreshold("5"), 1e-15);
        assertEquals(0.025, RegressionGate.parseThreshold(" 2.5 % "), 1e-15);
        assertEquals(0.0, RegressionGate.parseThreshold("0%"), 0);
        for (String bad : List.of("", "%", "five", "-1%", "100%", "NaN"))
            assertThrows(IllegalArgumentException.class, () -> RegressionGate.parseThreshold(bad), bad);
        assertThrows(IllegalArgumentException.class, () -> RegressionGate.compare(BASE, BASE, 1.0));
    }
}
