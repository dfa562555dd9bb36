package dev.whittle.quantize;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared fixtures: the {@code whittle.fixtures} property (Surefire sets it), else ../shared/fixtures. */
final class Fixtures {
    private Fixtures() {}

    static Path root() {
        String prop = System.getProperty("whittle.fixtures");
        if (prop != null && Files.isDirectory(Path.of(prop))) return Path.of(prop).normalize();
        Path candidate = Path.of("").toAbsolutePath().getParent().resolve("../shared/fixtures").normalize();
        if (Files.isDirectory(candidate)) return candidate;
        throw new IllegalStateException("fixtures not found: set -Dwhittle.fixtures");
    }

    static Path stories260k() {
        return root().resolve("models/stories260K/stories260K.gguf");
    }

    static Path datasets() {
        return root().resolve("datasets");
    }
}
