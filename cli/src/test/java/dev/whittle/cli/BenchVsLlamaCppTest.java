package dev.whittle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.whittle.bench.LlamaCppBaseline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code whittle bench --vs-llama-cpp}: whittle and llama.cpp on one file in one run, with their ratio. */
class BenchVsLlamaCppTest {
    private static Path stories() {
        String p = System.getProperty("whittle.fixtures");
        return (p != null ? Path.of(p) : Path.of("../../shared/fixtures")).resolve("models/stories260K/stories260K.gguf");
    }

    /** A short successful {@code --vs-llama-cpp} run on stories260K; the test is skipped where llama.cpp is not installed. */
    private static CliTest.Run compareOnStories(String... extra) {
        String why = LlamaCppBaseline.unavailableReason();
        assumeTrue(why == null, "llama.cpp not available: " + why);
        List<String> args = new ArrayList<>(List.of("bench", stories().toString(), "-p", "8", "-n", "4", "-r", "1", "-t", "1", "--vs-llama-cpp"));
        args.addAll(List.of(extra));
        CliTest.Run r = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return r;
    }

    @Test
    void printsBothAndTheirRatioForEachTest() {
        CliTest.Run r = compareOnStories();
        assertTrue(r.out().contains("whittle/llama.cpp"), r.out());
        // the ratios say little without knowing whether llama.cpp had AMX/VNNI int8 hardware: the variant is named
        assertTrue(r.out().lines().anyMatch(l -> l.matches("llama\\.cpp CPU variant: [\\w-]+.*") && !l.contains("unknown")), r.out());
        for (String test : new String[] {"pp8", "tg4"}) {
            String row = r.out().lines().filter(l -> l.matches("\\|\\s+" + test + " \\|.*") && l.split("\\|").length == 5).findFirst()
                    .orElseThrow(() -> new AssertionError("no comparison row for " + test + " in\n" + r.out()));
            double ratio = Double.parseDouble(row.split("\\|")[4].strip());
            assertTrue(ratio > 0 && Double.isFinite(ratio), row);
        }
    }

    /** Without its best CPU variant llama.cpp falls back to the next one, and the line under the table says which. */
    @Test
    void excludedVariantIsNotLoaded() {
        CliTest.Run first = compareOnStories();
        String chosen = first.out().lines().filter(l -> l.startsWith("llama.cpp CPU variant: ")).findFirst().orElseThrow()
                .substring("llama.cpp CPU variant: ".length()).split(" ")[0];
        assumeTrue(!chosen.equals("unknown"), "cannot tell which variant llama.cpp loads here");
        CliTest.Run r = compareOnStories("--llama-cpp-exclude", chosen);
        String line = r.out().lines().filter(l -> l.startsWith("llama.cpp CPU variant: ")).findFirst().orElseThrow();
        assertTrue(!line.startsWith("llama.cpp CPU variant: " + chosen + " ") && line.endsWith("not loading " + chosen), line);
    }

    @Test
    void unknownExcludedVariantIsAOneLineError() {
        String why = LlamaCppBaseline.unavailableReason();
        assumeTrue(why == null, "llama.cpp not available: " + why);
        CliTest.Run r = CliTest.run("bench", stories().toString(), "-p", "8", "-n", "4", "-r", "1", "--vs-llama-cpp",
                "--llama-cpp-exclude", "nosuchcpu");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("no llama.cpp CPU variant 'nosuchcpu'"), r.err());
    }

    @Test
    void excludeNeedsTheComparison() {
        CliTest.Run r = CliTest.run("bench", stories().toString(), "-p", "8", "-n", "4", "--llama-cpp-exclude", "zen4");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--llama-cpp-exclude only applies with --vs-llama-cpp"), r.err());
    }

    /** Without llama.cpp the command stops before whittle's run, with one line naming what is missing. */
    @Test
    void missingLlamaCppIsAOneLineErrorUpFront(@org.junit.jupiter.api.io.TempDir Path empty) {
        String old = System.getProperty("whittle.nodeLlamaCpp");
        System.setProperty("whittle.nodeLlamaCpp", empty.toString());
        try {
            CliTest.Run r = CliTest.run("bench", stories().toString(), "-p", "8", "-n", "4", "-r", "1", "--vs-llama-cpp");
            assertEquals(2, r.exit());
            assertTrue(r.err().contains("node-llama-cpp) is not installed in " + empty), r.err());
            assertTrue(!r.err().contains("bench: loading"), "must fail before benchmarking whittle: " + r.err());
            assertEquals("", r.out());
        } finally {
            if (old == null) System.clearProperty("whittle.nodeLlamaCpp");
            else System.setProperty("whittle.nodeLlamaCpp", old);
        }
    }

    @Test
    void needsAGgufFile() {
        Path hf = stories().getParent().getParent().resolve("stories260K-hf");
        CliTest.Run r = CliTest.run("bench", hf.toString(), "-p", "8", "-n", "4", "--vs-llama-cpp");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--vs-llama-cpp needs a .gguf file"), r.err());
    }

    @Test
    void needsATest() {
        CliTest.Run r = CliTest.run("bench", stories().toString(), "-p", "0", "-n", "0", "--vs-llama-cpp");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--vs-llama-cpp needs a MODEL and a pp or tg test"), r.err());
    }

    /** A prompt-only comparison (short prompts are where the two engines differ most) compares just that test. */
    @Test
    void comparesASingleTest() {
        String why = LlamaCppBaseline.unavailableReason();
        assumeTrue(why == null, "llama.cpp not available: " + why);
        CliTest.Run r = CliTest.run("bench", stories().toString(), "-p", "4", "-n", "0", "-r", "1", "-t", "1", "--vs-llama-cpp");
        assertEquals(0, r.exit(), r.err());
        List<String> rows = r.out().lines().filter(l -> l.matches("\\|\\s+(pp|tg)\\d+ \\|.*") && l.split("\\|").length == 5).toList();
        assertEquals(1, rows.size(), r.out());
        assertTrue(rows.get(0).matches("\\|\\s+pp4 \\|.*"), r.out());
    }
}
