package dev.whittle.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The listing behind {@code whittle datasets list}. */
public final class Datasets {
    private Datasets() {}

    /** Every named dataset with its state under {@code dataDir} (hashes the present files, about 5 MB in all). */
    public static List<DatasetInfo> list(Path dataDir) {
        List<DatasetInfo> out = new ArrayList<>();
        for (NamedDataset dataset : DatasetRegistry.all()) {
            out.add(info(dataset, dataDir));
        }
        return out;
    }

    public static DatasetInfo info(NamedDataset dataset, Path dataDir) {
        Path file = DatasetRegistry.fileIn(dataset, dataDir);
        if (!Files.isRegularFile(file)) {
            return new DatasetInfo(dataset, file, false, -1, null, false);
        }
        try {
            long size = Files.size(file);
            String sha = Sha256.of(file);
            return new DatasetInfo(dataset, file, true, size, sha, sha.equals(dataset.sha256()));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** A plain-text table: name, status, size, pullable, file. */
    public static String table(List<DatasetInfo> infos) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-18s %-16s %12s %-8s %s%n", "NAME", "STATUS", "BYTES", "PULL", "FILE"));
        for (DatasetInfo info : infos) {
            sb.append(String.format(Locale.ROOT, "%-18s %-16s %12s %-8s %s%n", info.name(), info.status(),
                    info.present() ? Long.toString(info.sizeBytes()) : "-",
                    info.dataset().pullable() ? "yes" : "no", info.file()));
        }
        return sb.toString();
    }
}
