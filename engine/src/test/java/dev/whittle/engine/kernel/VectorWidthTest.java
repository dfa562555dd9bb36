package dev.whittle.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorWidthTest {
    private static final String CPU = "Test CPU 9000";
    private static final Optional<VectorWidth.Recorded> TUNED_256 = Optional.of(new VectorWidth.Recorded(CPU, 256));

    @Test
    void propertyWinsOverARecordAndIsCappedAtThePreferredWidth() {
        assertEquals(new VectorWidth.Choice(128, VectorWidth.Source.PROPERTY), VectorWidth.resolve("128", 512, TUNED_256, CPU));
        assertEquals(new VectorWidth.Choice(256, VectorWidth.Source.PROPERTY), VectorWidth.resolve(" 512 ", 256, TUNED_256, CPU));
    }

    @Test
    void aBadPropertyIsAClearError() {
        for (String bad : new String[] {"384", "wide", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorWidth.resolve(bad, 512, Optional.empty(), CPU));
            assertTrue(e.getMessage().contains("whittle.vectorBits must be 128, 256 or 512"), e.getMessage());
        }
    }

    @Test
    void aRecordCountsOnlyForItsOwnCpuAndAWidthTheCpuHas() {
        assertEquals(new VectorWidth.Choice(256, VectorWidth.Source.TUNED), VectorWidth.resolve(null, 512, TUNED_256, CPU));
        assertEquals(new VectorWidth.Choice(512, VectorWidth.Source.PREFERRED), VectorWidth.resolve(null, 512, TUNED_256, "Other CPU"));
        Optional<VectorWidth.Recorded> wide = Optional.of(new VectorWidth.Recorded(CPU, 512));
        assertEquals(new VectorWidth.Choice(256, VectorWidth.Source.PREFERRED), VectorWidth.resolve(null, 256, wide, CPU));
        assertEquals(new VectorWidth.Choice(512, VectorWidth.Source.PREFERRED), VectorWidth.resolve(null, 512, Optional.empty(), CPU));
    }

    @Test
    void recordsRoundTripAndDamagedOnesAreIgnored(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub").resolve(VectorWidth.FILE_NAME);
        assertEquals(Optional.empty(), VectorWidth.read(file));
        VectorWidth.write(file, new VectorWidth.Recorded(CPU, 256));
        assertEquals(TUNED_256, VectorWidth.read(file));
        try (var s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
        Files.writeString(file, "cpu=" + CPU + "\nbits=lots\n");
        assertEquals(Optional.empty(), VectorWidth.read(file));
        Files.writeString(file, "bits=256\n");
        assertEquals(Optional.empty(), VectorWidth.read(file));
    }

    @Test
    void recordFileFromPropertyThenEnvironmentThenHome() {
        Map<String, String> env = Map.of(VectorWidth.CACHE_ENV, "/env/cache");
        assertEquals(Path.of("/prop/cache", VectorWidth.FILE_NAME), VectorWidth.recordFile(env, "/prop/cache", "/home/u"));
        assertEquals(Path.of("/env/cache", VectorWidth.FILE_NAME), VectorWidth.recordFile(env, null, "/home/u"));
        assertEquals(Path.of("/home/u/.cache/whittle", VectorWidth.FILE_NAME), VectorWidth.recordFile(Map.of(), " ", "/home/u"));
    }

    /** The engine's width is the one this rule gives for this JVM (no record is written by the test suite). */
    @Test
    void kernelSpeciesUsesTheChoice() {
        assertEquals(KernelSpecies.WIDTH.bits(), KernelSpecies.F.vectorBitSize());
    }
}
