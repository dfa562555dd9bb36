package dev.whittle.core.model;

import dev.whittle.core.safetensors.SafeTensorsModel;
import dev.whittle.core.tensor.TensorStore;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the SafeTensors weights of a HF directory (single file or sharded index). */
final class SafeTensorsStores {
    private SafeTensorsStores() {}

    /** {@code given} is what the user named: the directory itself, one .safetensors file, or an index. */
    static TensorStore open(Path dir, Path given) {
        return SafeTensorsModel.open(Files.isDirectory(given) ? dir : given);
    }
}
