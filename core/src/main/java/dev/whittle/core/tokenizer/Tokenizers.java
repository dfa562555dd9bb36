package dev.whittle.core.tokenizer;

import dev.whittle.core.ModelFormatException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the tokenizer of a model, whatever form it comes in. */
public final class Tokenizers {
    private Tokenizers() {}

    /**
     * A {@code .gguf} file → its embedded vocabulary; a HF model directory or a {@code tokenizer.json} →
     * {@link HfTokenizer} (close it when done; the others hold no resources).
     */
    public static Tokenizer load(Path path) {
        if (Files.isDirectory(path)) return HfTokenizer.fromDirectory(path);
        if (!Files.isRegularFile(path)) throw new ModelFormatException(path, "no such file or directory");
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".gguf")) return GgufTokenizers.fromGguf(path);
        if (name.endsWith(".json")) return HfTokenizer.fromFile(path);
        throw new ModelFormatException(path, "not a tokenizer: expected a .gguf file, a tokenizer.json or a HF model directory");
    }
}
