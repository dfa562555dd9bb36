package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.whittle.engine.kernel.VectorWidth;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code whittle bench --tune-width}: times the widths, prints the table, records the fastest for this CPU. */
class BenchTuneWidthTest {
    @Test
    void recordsTheFastestWidthForThisCpu(@TempDir Path cache) {
        String old = System.getProperty("whittle.cache");
        System.setProperty("whittle.cache", cache.toString());
        try {
            CliTest.Run r = CliTest.run("bench", "--tune-width", "--tune-seconds", "0.02");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("Q4_0 decode"), r.out());
            Optional<VectorWidth.Recorded> rec = VectorWidth.read(cache.resolve("vector-width.properties"));
            assertTrue(rec.isPresent(), "no record written");
            assertEquals(VectorWidth.cpu(), rec.get().cpu());
            assertTrue(r.out().contains("fastest: " + rec.get().bits() + "-bit"), r.out());
        } finally {
            if (old == null) System.clearProperty("whittle.cache");
            else System.setProperty("whittle.cache", old);
        }
    }

    @Test
    void runsOnItsOwn() {
        CliTest.Run r = CliTest.run("bench", "--tune-width", "--membw");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--tune-width runs on its own"), r.err());
        r = CliTest.run("bench", "--tune-width", "--tune-seconds", "0");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--tune-seconds must be positive"), r.err());
    }
}
