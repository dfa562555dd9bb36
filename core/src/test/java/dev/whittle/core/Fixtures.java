package dev.whittle.core;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/fixtures: from the system property Surefire sets, else relative to the working directory. */
public final class Fixtures {
    private Fixtures() {}

    public static Path root() {
        String p = System.getProperty("whittle.fixtures");
        if (p != null && Files.isDirectory(Path.of(p))) return Path.of(p);
        for (Path c : new Path[] {Path.of("../shared/fixtures"), Path.of("../../shared/fixtures")})
            if (Files.isDirectory(c)) return c;
        throw new IllegalStateException("fixtures not found: set -Dwhittle.fixtures or put shared/ beside the project");
    }

    public static Path model(String rel) {
        return root().resolve("models").resolve(rel);
    }

    public static Path dataset(String rel) {
        return root().resolve("datasets").resolve(rel);
    }

    public static Path stories260kGguf() {
        return model("stories260K/stories260K.gguf");
    }

    public static Path stories260kHf() {
        return model("stories260K-hf");
    }
}
