package dev.whittle.core.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** The CPU's model name, as Linux reports it in /proc/cpuinfo ("model name : ..."). */
public final class CpuModel {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    private CpuModel() {}

    /** This machine's CPU model name; empty where /proc/cpuinfo is missing or has none. */
    public static Optional<String> read() {
        if (!Files.isReadable(CPUINFO)) return Optional.empty();
        try (Stream<String> lines = Files.lines(CPUINFO)) {
            return of(lines);
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** The first "model name" value in cpuinfo-formatted lines. */
    public static Optional<String> of(Stream<String> cpuinfo) {
        return cpuinfo.filter(l -> l.startsWith("model name")).findFirst()
                .filter(l -> l.indexOf(':') >= 0).map(l -> l.substring(l.indexOf(':') + 1).trim());
    }
}
