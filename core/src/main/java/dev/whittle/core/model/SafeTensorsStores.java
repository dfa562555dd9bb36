package dev.whittle.core.model;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.safetensors.SafeTensorsFile;
import dev.whittle.core.tensor.TensorStore;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the SafeTensors weights of a HF directory (single file or sharded index). */
final class SafeTensorsStores {
    private SafeTensorsStores() {}

    static TensorStore open(Path dir, Path given) {
        if (given.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(given)) return SafeTensorsFile.open(given);
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) return SafeTensorsFile.open(single);
        throw new ModelFormatException(given, "no model.safetensors or model.safetensors.index.json in the model directory");
    }
}
