package dev.whittle.core.model;

import dev.whittle.core.gguf.GgufFile;
import dev.whittle.core.tokenizer.Tokenizer;

import java.nio.file.Path;

/** Finds a model's tokenizer: embedded GGUF vocabularies, or tokenizer.json in a HF directory. */
final class TokenizerLoader {
    private TokenizerLoader() {}

    static Tokenizer fromGguf(GgufFile f) {
        return null; // wired when the tokenizer implementations land
    }

    static Tokenizer fromHfDirectory(Path dir) {
        return null; // wired when the tokenizer implementations land
    }
}
