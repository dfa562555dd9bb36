package dev.whittle.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared fixtures live: the {@code whittle.fixtures} property, else ../shared/fixtures. */
final class TestFixtures {
    private TestFixtures() {}

    static Path root() {
        String prop = System.getProperty("whittle.fixtures");
        if (prop != null && Files.isDirectory(Path.of(prop))) return Path.of(prop);
        Path moduleDir = Path.of("").toAbsolutePath();
        for (Path p = moduleDir; p != null; p = p.getParent()) {
            Path candidate = p.resolve("../shared/fixtures").normalize();
            if (Files.isDirectory(candidate)) return candidate;
        }
        throw new IllegalStateException("fixtures not found: set -Dwhittle.fixtures");
    }

    static Path stories260kHf() {
        return root().resolve("models/stories260K-hf");
    }
}
