package dev.whittle.cli;

import dev.whittle.eval.Metric;
import dev.whittle.eval.ResultsBuilder;
import dev.whittle.eval.ResultsIo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code whittle report} and {@code whittle run} as a user meets them: formats, exit codes, one-line errors. */
class ReportAndRunCommandTest {
    @TempDir Path dir;

    @Test
    void reportWritesTheFormatItsExtensionNamesAndPrintsMarkdownWithoutOutput() throws Exception {
        Path a = dir.resolve("a/results.json");
        Path b = dir.resolve("b.json");
        ResultsIo.write(a, new ResultsBuilder("0.1.0").metric("ppl", new Metric(5.5, 0.25, null, null, "ppl", 10L, null)).build());
        ResultsIo.write(b, new ResultsBuilder("0.1.0").metric("ppl", new Metric(6.6, 0.25, null, null, "ppl", 10L, null)).build());

        CliTest.Run html = CliTest.run("report", a.toString(), b.toString(), "-o", dir.resolve("r.html").toString());
        assertEquals(0, html.exit(), html.err());
        assertTrue(Files.readString(dir.resolve("r.html")).startsWith("<!DOCTYPE html>"));

        CliTest.Run csv = CliTest.run("report", a.toString(), b.toString(), "-o", dir.resolve("r.csv").toString());
        assertEquals(0, csv.exit(), csv.err());
        assertEquals(3, Files.readAllLines(dir.resolve("r.csv")).size());
        assertTrue(Files.readAllLines(dir.resolve("r.csv")).get(2).startsWith("b,"));

        CliTest.Run md = CliTest.run("report", a.toString(), b.toString());
        assertEquals(0, md.exit(), md.err());
        assertTrue(md.out().contains("| a (base) | — | — | — | **5.5000 ± 0.2500** | **+0.00 %** |"), md.out());
        assertTrue(md.out().contains("| b | — | — | — | 6.6000 ± 0.2500 | +20.00 % |"), md.out());

        CliTest.Run bad = CliTest.run("report", dir.resolve("missing.json").toString(), "--format", "md");
        assertEquals(2, bad.exit());
        assertEquals("whittle: " + dir.resolve("missing.json") + ": no such file", bad.err().strip());
    }

    @Test
    void runRejectsABadRecipeWithOneLineBeforeAnyWork() throws Exception {
        Path recipe = dir.resolve("recipe.yaml");
        Files.writeString(recipe, "base: nope.gguf\neval: {dataset: tinystories-valid}\nvariants: [{name: a}]\n");
        CliTest.Run r = CliTest.run("run", recipe.toString(), "-o", dir.resolve("run").toString());
        assertEquals(2, r.exit());
        assertEquals("whittle: " + recipe + ": base: no such model: " + dir.resolve("nope.gguf"), r.err().strip());
        assertTrue(Files.notExists(dir.resolve("run")));
    }
}
