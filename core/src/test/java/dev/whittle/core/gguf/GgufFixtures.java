package dev.whittle.core.gguf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Locates the shared fixtures (system property whittle.fixtures, else ../shared/fixtures beside the project). */
final class GgufFixtures {
    private GgufFixtures() {}

    static final String STORIES = "models/stories260K/stories260K.gguf";
    static final String TINY_LLAMA = "models/llama-2-tiny-random-gguf/llama-2-tiny-random.gguf";

    static Path root() {
        String prop = System.getProperty("whittle.fixtures");
        Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath().getParent().resolve("../shared/fixtures");
        return p.normalize();
    }

    static Path model(String relative) {
        Path p = root().resolve(relative);
        if (!Files.isRegularFile(p)) throw new IllegalStateException("fixture missing: " + p + " (set -Dwhittle.fixtures)");
        return p;
    }

    static Path vocab(String name) {
        return model("models/ggml-vocab/ggml-vocab-" + name + ".gguf");
    }

    static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
