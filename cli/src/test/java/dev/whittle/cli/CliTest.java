package dev.whittle.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The command line as a user meets it: output, exit codes, one-line errors. */
class CliTest {
    private static Path fixtures() {
        String p = System.getProperty("whittle.fixtures");
        return p != null ? Path.of(p) : Path.of("../../shared/fixtures");
    }

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            var cl = Whittle.commandLine();
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int exit = cl.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Every command and subcommand answers --help with its usage and exit 0, even without its required inputs. */
    @Test
    void everyCommandAnswersHelp() {
        java.util.List<String[]> paths = new java.util.ArrayList<>();
        Whittle.commandLine().getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) return;
            paths.add(new String[] {name});
            sub.getSubcommands().keySet().forEach(inner -> paths.add(new String[] {name, inner}));
        });
        assertTrue(paths.size() >= 12, "subcommands found: " + paths.size());
        for (String[] path : paths) {
            String[] args = java.util.Arrays.copyOf(path, path.length + 1);
            args[path.length] = "--help";
            Run r = run(args);
            String cmd = "whittle " + String.join(" ", path);
            assertEquals(0, r.exit(), cmd + " --help: " + r.err());
            assertTrue(r.out().startsWith("Usage: " + cmd), cmd + " --help printed: " + r.out());
        }
    }

    /** A bad argument is one line naming the problem and the command's --help, exit 2. */
    @Test
    void badArgumentsAreOneLine() {
        Run missing = run("generate");
        assertEquals(2, missing.exit());
        assertEquals("whittle: Missing required parameter: 'MODEL'; see 'whittle generate --help'", missing.err().strip());
        Run unknown = run("bench", "--threds", "2");
        assertEquals(2, unknown.exit());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.err());
        assertTrue(unknown.err().startsWith("whittle: Unknown option: '--threds'"), unknown.err());
        assertTrue(unknown.err().contains("did you mean --threads"), unknown.err());
        Run range = run("bench", "--membw", "-t", "0");
        assertEquals(2, range.exit());
        assertEquals("whittle: --threads must be at least 1, got 0; see 'whittle bench --help'", range.err().strip());
        Run nothing = run("bench", "model.gguf", "-p", "0", "-n", "0");
        assertEquals(2, nothing.exit());
        assertEquals("whittle: nothing to measure: --prompt and --gen are both 0; see 'whittle bench --help'", nothing.err().strip());
    }

    /** Asking for more positions than the model was trained on is allowed (as in llama.cpp) but said. */
    @Test
    void evalWarnsPastTheTrainedContext() {
        String model = fixtures().resolve("models/stories260K/stories260K.gguf").toString();
        Run past = run("eval", model, "--latency", "--prompt", "2040", "--gen", "16", "-r", "1", "-t", "1");
        assertEquals(0, past.exit(), past.err());
        assertTrue(past.err().contains("warning: 2056 positions requested, more than the 2048 the model was trained on"), past.err());
        Run within = run("eval", model, "--latency", "--prompt", "16", "--gen", "4", "-r", "1", "-t", "1");
        assertEquals(0, within.exit(), within.err());
        assertFalse(within.err().contains("warning:"), within.err());
    }

    /** --ppl takes the user's own text file as well as a name; the fixture's TinyStories slice by path measures the same. */
    @Test
    void evalReadsATextFileByPath() throws Exception {
        String model = fixtures().resolve("models/stories260K/stories260K.gguf").toString();
        Path datasets = fixtures().resolve("datasets");
        Run byName = run("eval", model, "--data-dir", datasets.toString(), "--ppl", "tinystories-valid", "--ctx", "64", "--chunks", "2", "-t", "1");
        Run byPath = run("eval", model, "--ppl", datasets.resolve("tinystories-valid-slice/tinystories_val.txt").toString(),
                "--ctx", "64", "--chunks", "2", "-t", "1");
        assertEquals(0, byName.exit(), byName.err());
        assertEquals(0, byPath.exit(), byPath.err());
        String ppl = byName.out().lines().filter(l -> l.startsWith("ppl ")).findFirst().orElseThrow();
        assertEquals(ppl, byPath.out().lines().filter(l -> l.startsWith("ppl ")).findFirst().orElseThrow());
        assertTrue(byPath.out().contains("dataset    tinystories_val.txt (sha256 5fc1fb0113df"), byPath.out());
    }

    /** File-system errors name the file and what went wrong, not just the path. */
    @Test
    void fileSystemErrorsSayWhatWentWrong(@TempDir Path dir) throws Exception {
        assertEquals(dir + "/x: no such file or directory",
                Whittle.oneLine(new java.nio.file.NoSuchFileException(dir + "/x")));
        assertEquals("/a: permission denied", Whittle.oneLine(new java.io.UncheckedIOException(new java.nio.file.AccessDeniedException("/a"))));
        assertEquals("plain message", Whittle.oneLine(new IllegalArgumentException("plain message")));
        Path blocker = Files.writeString(dir.resolve("file"), "not a directory");
        Run r = run("quantize", fixtures().resolve("models/stories260K/stories260K.gguf").toString(), "--type", "q4_0",
                "-o", blocker.resolve("out.gguf").toString());
        assertEquals(2, r.exit());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertEquals("whittle: " + blocker + ": is a file, not a directory", last, r.err());
    }

    @Test
    void inspectReportsTheSameModelForGgufAndHf() throws Exception {
        ObjectMapper om = new ObjectMapper();
        Run g = run("inspect", fixtures().resolve("models/stories260K/stories260K.gguf").toString(), "--json");
        Run h = run("inspect", fixtures().resolve("models/stories260K-hf").toString(), "--json");
        assertEquals(0, g.exit(), g.err());
        assertEquals(0, h.exit(), h.err());
        JsonNode a = om.readTree(g.out()), b = om.readTree(h.out());
        assertEquals(1, a.get("schemaVersion").asInt());
        assertEquals("llama", a.get("architecture").asText());
        assertEquals(a.get("architecture"), b.get("architecture"));
        assertEquals(260_032, a.get("parameterCount").asLong());
        assertEquals(a.get("parameterCount"), b.get("parameterCount"));
        assertEquals("llama-spm", a.get("tokenizer").get("kind").asText());
        assertEquals("hf-tokenizer.json", b.get("tokenizer").get("kind").asText());
        assertEquals(512, b.get("tokenizer").get("vocabSize").asInt());
        assertEquals(47, a.get("tensors").size());
    }

    @Test
    void badInputIsOneLineAndNonZero(@TempDir Path dir) throws Exception {
        Path truncated = dir.resolve("t.gguf");
        byte[] full = Files.readAllBytes(fixtures().resolve("models/stories260K/stories260K.gguf"));
        Files.write(truncated, java.util.Arrays.copyOf(full, 5000));
        Run r = run("inspect", truncated.toString());
        assertEquals(2, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("whittle: " + truncated + ": truncated file"), r.err());
    }

    @Test
    void convertWritesNothingOnFailure(@TempDir Path dir) {
        Run r = run("convert", dir.resolve("missing.gguf").toString(), "-o", dir.resolve("out.gguf").toString());
        assertEquals(2, r.exit());
        assertFalse(Files.exists(dir.resolve("out.gguf")));
    }

    @Test
    void noArgumentsListsTheCommands() {
        Run r = run();
        assertEquals(0, r.exit());
        for (String c : new String[] {"inspect", "convert", "generate", "quantize", "eval", "synth", "datasets", "demo", "bench"})
            assertTrue(r.out().contains(c), c);
    }
}
