package dev.whittle.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CpuModelTest {
    @Test
    void cpuModelIsParsedFromCpuinfo() {
        assertEquals(Optional.of("AMD EPYC 9R14"), CpuModel.of(Stream.of("processor\t: 0", "model name\t: AMD EPYC 9R14")));
        assertEquals(Optional.empty(), CpuModel.of(Stream.of("processor\t: 0", "flags\t: fpu")));
    }
}
