package dev.whittle.datasets;

import java.net.URI;
import java.util.Objects;

/**
 * A dataset whittle knows by name: where it lives under the data directory, what its bytes must hash to, and
 * where it comes from.
 *
 * @param name          the name used on the command line, e.g. {@code wikitext2-test}
 * @param relativePath  the file's path under the data directory ('/' separated)
 * @param format        how to read it
 * @param jsonField     the JSON-lines field holding the text (null for other formats)
 * @param sizeBytes     the expected file size
 * @param sha256        the expected SHA-256 of the file (lowercase hex)
 * @param url           the public source: for pullable datasets what {@link DatasetPuller} downloads; for the
 *                      others the upstream the file was derived from (informational only)
 * @param archiveEntry  when {@code url} is a zip archive, the entry that is the file (null otherwise)
 * @param pullable      true if downloading {@code url} (and extracting {@code archiveEntry}) yields exactly these
 *                      bytes; false if the file is a derived slice/sample that no public URL serves as is
 * @param rowsAreDocuments true if rows are independent documents (calibration samples windows inside one row, as
 *                      GPTQ does with C4); false if the text is one continuous stream (windows anywhere in it)
 * @param note          one line on provenance and licence
 */
public record NamedDataset(String name, String relativePath, DatasetFormat format, String jsonField,
                           long sizeBytes, String sha256, URI url, String archiveEntry, boolean pullable,
                           boolean rowsAreDocuments, String note) {
    public NamedDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(relativePath, "relativePath");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(url, "url");
        if (format == DatasetFormat.JSON_LINES && jsonField == null) {
            throw new IllegalArgumentException(name + ": JSON-lines dataset needs a field name");
        }
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(name + ": sha256 must be 64 lowercase hex digits");
        }
    }
}
