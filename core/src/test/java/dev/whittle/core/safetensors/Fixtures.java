package dev.whittle.core.safetensors;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Locates the shared fixtures: the {@code whittle.fixtures} property (Surefire), else {@code ../../shared/fixtures}. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir() {
        String prop = System.getProperty("whittle.fixtures");
        Path dir = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath().getParent().resolve("../shared/fixtures").normalize();
        assertTrue(Files.isDirectory(dir), "fixtures not found at " + dir);
        return dir;
    }

    static Path storiesHf() {
        return dir().resolve("models/stories260K-hf/model.safetensors");
    }

    static Path storiesGguf() {
        return dir().resolve("models/stories260K/stories260K.gguf");
    }
}
