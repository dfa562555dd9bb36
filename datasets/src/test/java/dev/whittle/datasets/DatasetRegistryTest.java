package dev.whittle.datasets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class DatasetRegistryTest {

    /** The fixtures' own manifest is the independent reference for every registry hash. */
    private static Map<String, String> manifest() throws IOException {
        Map<String, String> byPath = new HashMap<>();
        for (String line : Files.readAllLines(Fixtures.root().resolve("MANIFEST.sha256"))) {
            String[] parts = line.trim().split("\\s+", 2);
            if (parts.length == 2 && parts[1].startsWith("./datasets/")) {
                byPath.put(parts[1].substring("./datasets/".length()), parts[0]);
            }
        }
        return byPath;
    }

    /** A path instead of a name is the user's own file: the fixture's TinyStories slice read by path reads the same. */
    @Test
    void aTextFileByPathIsADataset(@TempDir Path dir) throws IOException {
        ResolvedDataset named = DatasetRegistry.resolve("tinystories-valid", Fixtures.datasets());
        ResolvedDataset local = DatasetRegistry.resolve(named.file().toString(), dir);
        assertEquals("tinystories_val.txt", local.name());
        assertEquals(named.sha256(), local.sha256());
        assertSame(local, local.verify());
        assertEquals(named.source().wholeText(), local.source().wholeText());

        Path jsonl = dir.resolve("mine.jsonl");
        Files.writeString(jsonl, "{\"text\": \"one story\"}\n{\"text\": \"another\"}\n");
        ResolvedDataset lines = DatasetRegistry.resolve(jsonl.toString(), dir);
        assertEquals(List.of("one story", "another"), lines.source().rows());
        assertTrue(lines.dataset().rowsAreDocuments());

        DatasetException missing = assertThrows(DatasetException.class,
                () -> DatasetRegistry.resolve(dir.resolve("absent.txt").toString(), dir));
        assertTrue(missing.getMessage().startsWith(dir.resolve("absent.txt") + ": no such file"), missing.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> DatasetRegistry.resolve("wikitext9", dir));
        assertTrue(unknown.getMessage().startsWith("unknown dataset 'wikitext9'"), unknown.getMessage());
    }

    @Test
    void everyNamedDatasetResolvesAgainstTheFixturesAndHashesToTheRegistryValue() throws IOException {
        Map<String, String> manifest = manifest();
        assertEquals(List.of("wikitext2-test", "wikitext2-valid", "tinystories-valid", "tinyshakespeare", "c4-sample"),
                DatasetRegistry.all().stream().map(NamedDataset::name).toList());
        for (NamedDataset dataset : DatasetRegistry.all()) {
            ResolvedDataset resolved = DatasetRegistry.resolve(dataset.name(), Fixtures.datasets());
            assertEquals(manifest.get(dataset.relativePath()), dataset.sha256(), dataset.name() + " vs MANIFEST");
            assertEquals(dataset.sha256(), resolved.sha256(), dataset.name() + " file hash");
            assertEquals(dataset.sizeBytes(), Files.size(resolved.file()), dataset.name() + " size");
            assertSame(resolved, resolved.verify());
        }
        assertEquals(5, manifest.size(), "the manifest lists exactly the five dataset files");
    }

    @Test
    void pullabilityIsHonest() {
        assertTrue(DatasetRegistry.get("wikitext2-test").pullable());
        assertEquals("wikitext-2-raw/wiki.test.raw", DatasetRegistry.get("wikitext2-test").archiveEntry());
        assertTrue(DatasetRegistry.get("tinyshakespeare").pullable());
        assertFalse(DatasetRegistry.get("tinystories-valid").pullable());
        assertFalse(DatasetRegistry.get("c4-sample").pullable());
        assertTrue(DatasetRegistry.get("c4-sample").rowsAreDocuments());
        assertEquals("text", DatasetRegistry.get("c4-sample").jsonField());
    }

    @Test
    void missingFileIsOneLineNamingTheFileAndThePullCommand(@TempDir Path dir) {
        DatasetException e = assertThrows(DatasetException.class,
                () -> DatasetRegistry.resolve("wikitext2-test", dir));
        String message = e.getMessage();
        assertFalse(message.contains("\n"), message);
        assertTrue(message.contains(dir.resolve("wikitext-2-raw").resolve("wiki.test.raw").toString()), message);
        assertTrue(message.contains("whittle datasets pull wikitext2-test"), message);

        String c4 = assertThrows(DatasetException.class, () -> DatasetRegistry.resolve("c4-sample", dir)).getMessage();
        assertTrue(c4.contains("cannot be downloaded"), c4);
        assertFalse(c4.contains("datasets pull"), c4);
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatasetRegistry.resolve("wikitext3", Fixtures.datasets()));
        assertTrue(e.getMessage().contains("wikitext3") && e.getMessage().contains("c4-sample"), e.getMessage());
    }

    @Test
    void listingReportsPresenceSizeAndHashMatch(@TempDir Path dir) throws IOException {
        List<DatasetInfo> fixtures = Datasets.list(Fixtures.datasets());
        assertEquals(5, fixtures.size());
        for (DatasetInfo info : fixtures) {
            assertTrue(info.present() && info.sha256Matches(), info.name());
            assertEquals("ok", info.status());
            assertEquals(info.dataset().sizeBytes(), info.sizeBytes());
        }
        Path shakespeare = dir.resolve("tinyshakespeare").resolve("input.txt");
        Files.createDirectories(shakespeare.getParent());
        Files.writeString(shakespeare, "not shakespeare");
        List<DatasetInfo> mine = Datasets.list(dir);
        assertEquals(List.of("missing", "missing", "missing", "sha256 mismatch", "missing"),
                mine.stream().map(DatasetInfo::status).toList());
        assertEquals(15, mine.get(3).sizeBytes());
        assertEquals(-1, mine.get(0).sizeBytes());
        String table = Datasets.table(mine);
        assertEquals(6, table.lines().count(), table);
        assertThrows(DatasetException.class, () -> DatasetRegistry.resolve("tinyshakespeare", dir).verify());
    }

    @Test
    void dataDirectoryPrefersOptionThenEnvironmentThenCache() {
        Map<String, String> env = Map.of(DataDirectory.ENV, "/env/data");
        assertEquals(Path.of("/opt/data"), DataDirectory.resolve("/opt/data", env, "/home/u"));
        assertEquals(Path.of("/env/data"), DataDirectory.resolve(null, env, "/home/u"));
        assertEquals(Path.of("/home/u/.cache/whittle/datasets"), DataDirectory.resolve(null, Map.of(), "/home/u"));
        assertEquals(Path.of("/home/u/d"), DataDirectory.resolve(null, Map.of(DataDirectory.ENV, "~/d"), "/home/u"));
        assertEquals(Path.of("/home/u/.cache/whittle/datasets"),
                DataDirectory.resolve(" ", Map.of(DataDirectory.ENV, ""), "/home/u"));
    }
}
