package dev.whittle.core.model;

import dev.whittle.core.safetensors.SafeTensorsModel;
import dev.whittle.core.tensor.TensorStore;

import java.nio.file.Path;

/** Opens the SafeTensors weights of a HF directory: a single file, a sharded index, or the file given. */
final class SafeTensorsStores {
    private SafeTensorsStores() {}

    static TensorStore open(Path dir, Path given) {
        return SafeTensorsModel.open(given.toString().endsWith(".json") || given.toString().endsWith(".safetensors") ? given : dir);
    }
}
