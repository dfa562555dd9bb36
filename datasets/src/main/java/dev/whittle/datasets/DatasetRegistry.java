package dev.whittle.datasets;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The named datasets. Hashes are of the exact files in whittle's fixtures, which are byte-identical to the
 * published files for the two WikiText splits and tiny shakespeare. The TinyStories slice and the C4 sample are
 * derived files: no public URL serves them as they are, so they are marked not pullable and their URL names the
 * upstream they were cut from.
 */
public final class DatasetRegistry {
    /**
     * llama.cpp's scripts/get-wikitext-2.sh downloads this archive (the original Salesforce S3 copy is gone). Only
     * the extracted entry's SHA-256 is checked (the archive's own hash is not recorded here); published notes that
     * pin this archive report wiki.test.raw = 173c87a5..., matching the fixture.
     */
    static final String WIKITEXT2_ZIP = "https://huggingface.co/datasets/ggml-org/ci/resolve/main/wikitext-2-raw-v1.zip";

    private static final List<NamedDataset> ALL = List.of(
            new NamedDataset("wikitext2-test", "wikitext-2-raw/wiki.test.raw", DatasetFormat.WIKITEXT_RAW, null,
                    1_290_590L, "173c87a53759e0201f33e0ccf978e510c2042d7f2cb78229d9a50d79b9e7dd08",
                    URI.create(WIKITEXT2_ZIP), "wikitext-2-raw/wiki.test.raw", true, false,
                    "WikiText-2 raw v1 test split (CC BY-SA 3.0), the usual perplexity benchmark"),
            new NamedDataset("wikitext2-valid", "wikitext-2-raw/wiki.valid.raw", DatasetFormat.WIKITEXT_RAW, null,
                    1_146_846L, "4cd0f6876d07a413aa911261ff6d363c72d757d47f0fdd6015702014c89cb9c7",
                    URI.create(WIKITEXT2_ZIP), "wikitext-2-raw/wiki.valid.raw", true, false,
                    "WikiText-2 raw v1 validation split (CC BY-SA 3.0)"),
            new NamedDataset("tinystories-valid", "tinystories-valid-slice/tinystories_val.txt",
                    DatasetFormat.PLAIN_TEXT, null,
                    794_375L, "5fc1fb0113df62b567fb271806cd645ce8d75f59c58ca0b764c03d3b6ff34ca6",
                    URI.create("https://huggingface.co/datasets/roneneldan/TinyStories/resolve/main/TinyStories-valid.txt"),
                    null, false, false,
                    "first 794 KB of the TinyStories validation split, stories separated by blank lines"
                            + " (CDLA-Sharing-1.0); the upstream file is the whole split in another layout,"
                            + " so it does not hash the same"),
            new NamedDataset("tinyshakespeare", "tinyshakespeare/input.txt", DatasetFormat.PLAIN_TEXT, null,
                    1_115_394L, "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
                    URI.create("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"),
                    null, true, false,
                    "tiny shakespeare from karpathy/char-rnn (public-domain text)"),
            new NamedDataset("c4-sample", "c4-sample/c4_sample.json", DatasetFormat.JSON_LINES, "text",
                    771_398L, "7959cad37d238a29d5bbe342a601ae54f60dc4332708bc723df56846e191fd66",
                    URI.create("https://huggingface.co/datasets/allenai/c4"),
                    null, false, true,
                    "200 C4 (en) documents as JSON lines {\"text\": ...} (ODC-BY), calibration data for"
                            + " GPTQ/AWQ/Wanda; a derived sample (text field only, shard not recorded), so no"
                            + " public URL serves it"));

    private DatasetRegistry() {}

    public static List<NamedDataset> all() {
        return ALL;
    }

    public static Optional<NamedDataset> find(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** The dataset of that name; IllegalArgumentException listing the known names otherwise. */
    public static NamedDataset get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown dataset '" + name + "'; known: " + names()));
    }

    public static String names() {
        return ALL.stream().map(NamedDataset::name).collect(Collectors.joining(", "));
    }

    /** Where the dataset's file belongs under the data directory (whether or not it is there). */
    public static Path fileIn(NamedDataset dataset, Path dataDir) {
        Path file = dataDir;
        for (String part : dataset.relativePath().split("/")) {
            file = file.resolve(part);
        }
        return file;
    }

    /**
     * Finds the named dataset's file under {@code dataDir}. Only checks that the file exists (hashing is left to
     * {@link Datasets#list} and {@link ResolvedDataset#verify()}); a missing file is a one-line
     * {@link DatasetException} naming the file and how to get it. A name that is no registered dataset but a path
     * ({@link #looksLikeFile}) is the user's own file ({@link #localFile}).
     */
    public static ResolvedDataset resolve(String name, Path dataDir) {
        if (find(name).isEmpty() && looksLikeFile(name)) return localFile(Path.of(name));
        NamedDataset dataset = get(name);
        Path file = fileIn(dataset, dataDir);
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(missingMessage(dataset, file, dataDir));
        }
        return new ResolvedDataset(dataset, file);
    }

    /** Not a registered name but a path: it has a directory part or a text-file extension. */
    static boolean looksLikeFile(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return name.contains("/") || name.contains(java.io.File.separator) || lower.endsWith(".txt")
                || lower.endsWith(".raw") || lower.endsWith(".jsonl") || lower.endsWith(".json");
    }

    /**
     * The user's own text file as a dataset, as llama.cpp's {@code perplexity -f FILE} takes one: JSON lines with a
     * {@code "text"} field (one document per line) for {@code .jsonl}/{@code .json}, plain text otherwise. Its name
     * is the file name and its hash is the file's, so the Results record exactly what was measured.
     */
    static ResolvedDataset localFile(Path file) {
        if (!Files.isRegularFile(file)) throw new DatasetException(file + ": no such file (a dataset is a name from `whittle datasets list` or a text file)");
        String fileName = file.getFileName().toString();
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        boolean jsonLines = lower.endsWith(".jsonl") || lower.endsWith(".json");
        long size;
        try {
            size = Files.size(file);
        } catch (java.io.IOException e) {
            throw new DatasetException(file + ": cannot read: " + e.getMessage());
        }
        NamedDataset local = new NamedDataset(fileName, fileName, jsonLines ? DatasetFormat.JSON_LINES : DatasetFormat.PLAIN_TEXT,
                jsonLines ? "text" : null, size, Sha256.of(file), file.toAbsolutePath().toUri(), null, false, jsonLines,
                "a local file: " + file.toAbsolutePath());
        return new ResolvedDataset(local, file);
    }

    static String missingMessage(NamedDataset dataset, Path file, Path dataDir) {
        String how = dataset.pullable()
                ? "get it with `whittle datasets pull " + dataset.name() + "`"
                : "it cannot be downloaded as is (derived from " + dataset.url() + "); copy "
                        + dataset.relativePath() + " from whittle's test fixtures (shared/fixtures/datasets) into "
                        + dataDir;
        return "dataset " + dataset.name() + ": file " + file + " not found; " + how
                + " (data directory from --data-dir, else $" + DataDirectory.ENV + ", else "
                + DataDirectory.DEFAULT_RELATIVE + ")";
    }
}
