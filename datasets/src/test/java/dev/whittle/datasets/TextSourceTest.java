package dev.whittle.datasets;

import dev.whittle.core.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Reference values were computed with CPython 3.11 applying the HuggingFace wikitext builder's rule
 * ({@code for row in open(f, encoding="utf-8"): yield row if row.strip() else ""}), {@code json.loads(line)["text"]}
 * and the paragraph rule, then {@code sha256("\n\n".join(rows).encode("utf-8"))}.
 */
class TextSourceTest {

    private static String sha256(String text) {
        return HexFormat.of().formatHex(Sha256.newDigest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static TextSource source(String name) {
        return DatasetRegistry.resolve(name, Fixtures.datasets()).source();
    }

    @Test
    void wikitextTestRowsAreTheHuggingFaceRows() {
        TextSource wiki = source("wikitext2-test");
        List<String> rows = wiki.rows();
        assertEquals(4358, rows.size(), "HF wikitext-2-raw-v1 test split size");
        assertEquals(1467, rows.stream().filter(String::isEmpty).count());
        assertEquals("", rows.get(0));
        assertEquals(" = Robert Boulter = \n", rows.get(1));
        assertEquals("", rows.get(rows.size() - 1));
        String joined = wiki.joinedRows();
        assertEquals(1_296_370, joined.getBytes(StandardCharsets.UTF_8).length);
        assertEquals("696cca6b65a171b0a358a4be6732cdfdf2dd6164a32e20fd70e3c13fc4dfae83", sha256(joined));
        // The whole text is the raw file, unchanged.
        assertEquals(1_290_590, wiki.wholeText().getBytes(StandardCharsets.UTF_8).length);
        assertEquals("173c87a53759e0201f33e0ccf978e510c2042d7f2cb78229d9a50d79b9e7dd08", sha256(wiki.wholeText()));
    }

    @Test
    void wikitextValidRows() {
        TextSource wiki = source("wikitext2-valid");
        assertEquals(3760, wiki.rows().size(), "HF wikitext-2-raw-v1 validation split size");
        assertEquals(1299, wiki.rows().stream().filter(String::isEmpty).count());
        assertEquals(" = Homarus gammarus = \n", wiki.rows().get(1));
        assertEquals("b44fb967f92b525731216a507d1fbc44b97446b7ef0a2b4d1a893f81f1bbc29e", sha256(wiki.joinedRows()));
    }

    @Test
    void c4JsonLinesFieldExtraction() {
        TextSource c4 = source("c4-sample");
        List<String> rows = c4.rows();
        assertEquals(200, rows.size());
        assertTrue(rows.get(0).startsWith("Unfair Dismissal laws even the playing field between workers"));
        assertTrue(rows.get(199).startsWith("-a bag I recently bought- although it was marketed towards women"));
        assertEquals(1020, rows.stream().mapToInt(r -> r.getBytes(StandardCharsets.UTF_8).length).min().orElseThrow());
        assertEquals(35039, rows.stream().mapToInt(r -> r.getBytes(StandardCharsets.UTF_8).length).max().orElseThrow());
        assertEquals("378e72e19269f117ff4835ebc3e4292910833be80d64ba630cb4a2447204df64", sha256(c4.joinedRows()));
        assertEquals(c4.joinedRows(), c4.wholeText());
    }

    @Test
    void plainTextRowsAreBlankLineSeparatedParagraphs() {
        TextSource stories = source("tinystories-valid");
        assertEquals(4302, stories.rows().size());
        assertTrue(stories.rows().get(0).startsWith("Spot. Spot saw the shiny car and said,"));
        assertEquals("e1b6d6be7bce5e6f0fd327ba79fdd17b2823a779d891b201e07010f76b16e7be", sha256(stories.joinedRows()));
        TextSource shakespeare = source("tinyshakespeare");
        assertEquals(7222, shakespeare.rows().size());
        assertTrue(shakespeare.rows().get(0).startsWith("First Citizen:\nBefore we proceed any further, hear"));
        assertEquals("d6dd8468734dc1b65356e090826eb831b8e6dbdc5ee53516d1b274e5afca5d40",
                sha256(shakespeare.joinedRows()));
        assertEquals("86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed", sha256(shakespeare.wholeText()));
    }

    @Test
    void pythonLineSplittingAndWhitespace() {
        // CPython: list(io.TextIOWrapper(io.BytesIO(...), encoding="utf-8"))
        assertEquals(List.of("a\n", "b\n", "c\n", "\n", "d\u0085e\u2028f"),
                PythonText.fileLines("a\r\nb\rc\n\nd\u0085e\u2028f"));
        assertEquals(List.of(), PythonText.fileLines(""));
        // Every BMP char for which CPython 3.11's str.isspace() is true.
        int[] pythonSpaces = {0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001,
                0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f,
                0x3000};
        List<Integer> ours = new ArrayList<>();
        for (int c = 0; c < 0x10000; c++) {
            if (PythonText.isSpace((char) c)) {
                ours.add(c);
            }
        }
        assertEquals(java.util.Arrays.stream(pythonSpaces).boxed().toList(), ours);
        WikiTextSource wiki = new WikiTextSource("t", " = A = \n \u00a0\nx\r\ny");
        assertEquals(List.of(" = A = \n", "", "x\n", "y"), wiki.rows());
    }

    @Test
    void rowsSourceJoinsWithBlankLines() {
        RowsSource rows = new RowsSource("r", List.of("a", "", "b\n"));
        assertEquals("a\n\n\n\nb\n", rows.wholeText());
        assertEquals(3, rows.rows().size());
    }

    @Test
    void badJsonLinesNameTheLine(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"text\": \"ok\"}\n\n{\"text\": 3}\n");
        ModelFormatException notString = assertThrows(ModelFormatException.class, () -> JsonLinesSource.read(bad, "text"));
        assertEquals(bad + ": line 3: field \"text\" is not a string", notString.getMessage());
        Files.writeString(bad, "{\"text\": \"ok\"}\n{\"body\": \"x\"}\n");
        assertEquals(bad + ": line 2: field \"text\" is missing",
                assertThrows(ModelFormatException.class, () -> JsonLinesSource.read(bad, "text")).getMessage());
        Files.writeString(bad, "{\"text\": \"ok\"\n");
        String broken = assertThrows(ModelFormatException.class, () -> JsonLinesSource.read(bad, "text")).getMessage();
        assertTrue(broken.startsWith(bad + ": line 1: not valid JSON"), broken);
        assertFalse(broken.contains("\n"), broken);
        Files.writeString(bad, "[1, 2]\n");
        assertEquals(bad + ": line 1: not a JSON object",
                assertThrows(ModelFormatException.class, () -> JsonLinesSource.read(bad, "text")).getMessage());
        Files.writeString(bad, "{\"text\": \"a\"}\n{\"text\": \"b\\n\"}");
        assertEquals(List.of("a", "b\n"), JsonLinesSource.read(bad, "text").rows());
    }

    @Test
    void invalidUtf8IsAFormatError(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[]{'o', 'k', (byte) 0xff, '\n'});
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> PlainTextSource.read(bad));
        assertEquals(bad + ": not valid UTF-8 text", e.getMessage());
        assertThrows(DatasetException.class, () -> PlainTextSource.read(dir.resolve("absent.txt")));
    }
}
