package dev.whittle.cli.recipe;

import dev.whittle.eval.Sha256;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a variant's outputs depend on, as text and as its SHA-256: the base model's files (name and
 * SHA-256), the variant's canonical steps, and the evaluation settings. Equal hashes mean a re-run would
 * compute the same thing, so it is skipped.
 */
public final class InputsHash {
    private InputsHash() {}

    /** "name sha256" per file of the base model: the file itself, or every regular file of a HF directory, sorted. */
    public static List<String> baseDigests(Path base) {
        List<String> out = new ArrayList<>();
        try {
            if (Files.isDirectory(base)) {
                try (Stream<Path> files = Files.list(base)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) out.add(f.getFileName() + " " + Sha256.ofFile(f));
                }
            } else {
                out.add(base.getFileName() + " " + Sha256.ofFile(base));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + base + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** The canonical text hashed for one variant (also saved beside the marker for humans). */
    public static String text(List<String> baseDigests, VariantSpec variant, EvalSpec eval) {
        StringBuilder s = new StringBuilder("whittle recipe inputs v1\n");
        for (String d : baseDigests) s.append("base ").append(d).append('\n');
        s.append("steps ").append(variant.canonicalSteps()).append('\n');
        s.append(eval.canonical()).append('\n');
        return s.toString();
    }

    public static String sha256(String text) {
        try {
            return Sha256.hex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
