package dev.whittle.datasets;

import java.nio.file.Path;

/** A named dataset whose file was found. Reading and hashing happen on demand and are cached. */
public final class ResolvedDataset {
    private final NamedDataset dataset;
    private final Path file;
    private TextSource source;
    private String sha256;

    public ResolvedDataset(NamedDataset dataset, Path file) {
        this.dataset = dataset;
        this.file = file;
    }

    public NamedDataset dataset() {
        return dataset;
    }

    public String name() {
        return dataset.name();
    }

    public Path file() {
        return file;
    }

    /** The file's text in the dataset's format (read once). */
    public synchronized TextSource source() {
        if (source == null) {
            source = dataset.format().open(file, dataset.jsonField());
        }
        return source;
    }

    /** The SHA-256 of the file as it is on disk (computed once), which may differ from the registry's. */
    public synchronized String sha256() {
        if (sha256 == null) {
            sha256 = Sha256.of(file);
        }
        return sha256;
    }

    public boolean sha256Matches() {
        return sha256().equals(dataset.sha256());
    }

    /** Throws a one-line DatasetException if the file's hash is not the registry's; returns this otherwise. */
    public ResolvedDataset verify() {
        if (!sha256Matches()) {
            throw new DatasetException("dataset " + name() + ": " + file + " has sha256 " + sha256()
                    + ", expected " + dataset.sha256() + "; delete it and run `whittle datasets pull " + name() + "`");
        }
        return this;
    }
}
