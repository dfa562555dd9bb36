package dev.whittle.datasets;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared fixtures: the {@code whittle.fixtures} property (set by Surefire), else ../shared/fixtures. */
final class Fixtures {
    private Fixtures() {}

    static Path root() {
        String property = System.getProperty("whittle.fixtures");
        Path root = property != null ? Path.of(property)
                : Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("../shared/fixtures");
        root = root.normalize();
        if (!Files.isDirectory(root.resolve("datasets"))) {
            throw new IllegalStateException("fixtures not found at " + root);
        }
        return root;
    }

    /** The data directory that the named datasets resolve against in tests. */
    static Path datasets() {
        return root().resolve("datasets");
    }
}
