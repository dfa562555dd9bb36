package dev.whittle.eval;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Identity of an evaluated model: where it was, the SHA-256 of every weight file, its architecture and
 * the dtype mix of its weights.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelInfo(String path, List<FileDigest> files, String architecture, List<WeightGroup> dtypeMix,
                        long parameterCount, double bitsPerWeight) {

    /** One weight file. */
    public record FileDigest(String path, long bytes, String sha256) {
        public static FileDigest of(Path file) {
            try {
                return new FileDigest(file.toString(), Files.size(file), Sha256.ofFile(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Hashes {@code weightFiles} (streaming) and totals the dtype mix. */
    public static ModelInfo describe(Path modelPath, List<Path> weightFiles, String architecture,
                                     List<WeightGroup> dtypeMix) {
        List<FileDigest> digests = new ArrayList<>();
        for (Path f : weightFiles) {
            digests.add(FileDigest.of(f));
        }
        long params = dtypeMix.stream().mapToLong(WeightGroup::params).sum();
        long bytes = dtypeMix.stream().mapToLong(WeightGroup::bytes).sum();
        return new ModelInfo(modelPath.toString(), List.copyOf(digests), architecture, List.copyOf(dtypeMix), params,
                params == 0 ? 0 : 8.0 * bytes / params);
    }
}
