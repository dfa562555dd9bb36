package dev.whittle.datasets;

import java.nio.file.Path;

/**
 * One line of {@code whittle datasets list}.
 *
 * @param sizeBytes     the file's size, or -1 if absent
 * @param sha256        the file's actual SHA-256, or null if absent
 * @param sha256Matches whether the file hashes to the registry's value (false if absent)
 */
public record DatasetInfo(NamedDataset dataset, Path file, boolean present, long sizeBytes, String sha256,
                          boolean sha256Matches) {
    public String name() {
        return dataset.name();
    }

    /** "ok", "missing", or "sha256 mismatch". */
    public String status() {
        if (!present) {
            return "missing";
        }
        return sha256Matches ? "ok" : "sha256 mismatch";
    }
}
