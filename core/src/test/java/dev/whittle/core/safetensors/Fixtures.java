package dev.whittle.core.safetensors;

import java.nio.file.Path;

/** The fixture files these tests use, located through the shared {@link dev.whittle.core.Fixtures}. */
final class Fixtures {
    private Fixtures() {
    }

    static Path storiesHf() {
        return dev.whittle.core.Fixtures.stories260kHf().resolve("model.safetensors");
    }

    static Path storiesGguf() {
        return dev.whittle.core.Fixtures.stories260kGguf();
    }
}
