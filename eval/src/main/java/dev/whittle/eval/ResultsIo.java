package dev.whittle.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.whittle.core.ModelFormatException;
import dev.whittle.core.util.AtomicFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and writes {@link Results} files: pretty JSON, snake_case keys, written atomically. Reports
 * and the CI gate only ever read these files. A reader accepts schema versions up to its own and
 * ignores unknown keys, so additive changes need no version bump.
 */
public final class ResultsIo {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ResultsIo() {
    }

    public static String toJson(Results results) {
        try {
            return MAPPER.writeValueAsString(results) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise results: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes {@code results} to {@code file} via a temp file and an atomic move. */
    public static void write(Path file, Results results) {
        try {
            AtomicFile.writeBytes(file, toJson(results).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a results file, refusing other documents and newer schema versions with a one-line message. */
    public static Results read(Path file) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file, "no such file");
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject() || !Results.SCHEMA.equals(tree.path("schema").asText(null))) {
            throw new ModelFormatException(file, "not a whittle results file (\"schema\" is not \"" + Results.SCHEMA + "\")");
        }
        int version = tree.path("schema_version").asInt(-1);
        if (version < 1 || version > Results.SCHEMA_VERSION) {
            throw new ModelFormatException(file, "results schema_version " + version + " is not supported (this whittle reads 1.."
                    + Results.SCHEMA_VERSION + ")");
        }
        try {
            return MAPPER.treeToValue(tree, Results.class);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file, "malformed results: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
    }
}
