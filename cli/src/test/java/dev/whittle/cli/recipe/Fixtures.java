package dev.whittle.cli.recipe;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The shared fixtures: system property whittle.fixtures (Surefire sets it), else ../../shared/fixtures. */
final class Fixtures {
    private Fixtures() {}

    static Path root() {
        String p = System.getProperty("whittle.fixtures");
        return (p != null && !p.isBlank() ? Path.of(p) : Path.of("..", "..", "shared", "fixtures")).toAbsolutePath().normalize();
    }

    static Path stories() {
        Path m = root().resolve("models/stories260K/stories260K.gguf");
        assumeTrue(Files.isRegularFile(m), "fixture model not found: " + m);
        return m;
    }

    static Path datasets() {
        return root().resolve("datasets");
    }
}
