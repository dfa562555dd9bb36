package dev.whittle.core.model;

import dev.whittle.core.gguf.GgufFile;
import dev.whittle.core.tokenizer.GgufTokenizers;
import dev.whittle.core.tokenizer.HfTokenizer;
import dev.whittle.core.tokenizer.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a model's tokenizer: embedded GGUF vocabularies, or tokenizer.json in a HF directory. Null if none. */
final class TokenizerLoader {
    private TokenizerLoader() {}

    static Tokenizer fromGguf(GgufFile f) {
        return f.get(GgufTokenizers.MODEL).isPresent() ? GgufTokenizers.fromGguf(f) : null;
    }

    static Tokenizer fromHfDirectory(Path dir) {
        return Files.isRegularFile(dir.resolve("tokenizer.json")) ? HfTokenizer.fromDirectory(dir) : null;
    }
}
