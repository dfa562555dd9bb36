package dev.whittle.eval;

import dev.whittle.core.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsTest {

    private static Results sample(Path dir) throws IOException {
        Path weights = dir.resolve("model.bin");
        Files.writeString(weights, "abc");
        BigramModel model = BigramModel.successor(7, 2f, true);
        int[] text = BigramModel.randomTokens(7, 100, 1);
        PerplexityResult ppl;
        try (ModelSession s = model.openSession(1)) {
            ppl = new Perplexity(model, new PerplexityProtocol.LlamaCpp(16)).run(s, text, ProgressLine.Listener.NONE);
        }
        LatencyResult latency = new LatencyBenchmark(tick())
                .run(model, new LatencyBenchmark.Config(4, 3, 1, 2, 0, 7));
        List<WeightGroup> groups = List.of(new WeightGroup("Q4_0", 64, 36), new WeightGroup("F32", 8, 32));
        MemoryReport memory = MemoryReport.measure(groups, new KvCacheShape(2, 8, 4), 16).withEstimate(64, 2);
        return new ResultsBuilder("0.1.0")
                .timestamp(Instant.parse("2026-11-24T08:00:00Z"))
                .command("eval", List.of("--model", weights.toString(), "--ctx", "16"))
                .seed(7)
                .model(ModelInfo.describe(weights, List.of(weights), "llama", groups))
                .environment(EnvironmentInfo.detect(1))
                .dataset("test.txt", Sha256.ofFile(weights), text)
                .perplexity(ppl, model)
                .latency(latency)
                .memory(memory)
                .build();
    }

    private static java.util.function.LongSupplier tick() {
        long[] t = {0};
        return () -> t[0] += 2_000_000;
    }

    @Test
    void jsonRoundTripPreservesEverything(@TempDir Path dir) throws IOException {
        Results results = sample(dir);
        Path file = dir.resolve("out/results.json");
        ResultsIo.write(file, results);
        Results back = ResultsIo.read(file);
        assertEquals(ResultsIo.toJson(results), ResultsIo.toJson(back));
        assertEquals(results.metrics(), back.metrics());
        assertEquals(results.model(), back.model());
        assertEquals(results.environment(), back.environment());
        assertEquals(results.protocol(), back.protocol());
        assertEquals(results.latency(), back.latency());
        assertEquals(results.memory().weights(), back.memory().weights());

        String json = Files.readString(file);
        for (String key : new String[] {"\"schema\" : \"whittle-results\"", "\"schema_version\" : 1", "\"whittle_version\"",
                "\"n_prompt\"", "\"n_gen\"", "\"avg_ts\"", "\"stddev_ts\"", "\"samples_ts\"", "\"ci95\"", "\"stderr\"",
                "\"unit\" : \"ppl\"", "\"estimated\" : true", "\"sha256\" : \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"",
                "\"bits_per_weight\"", "\"dtype_mix\"", "\"peak_rss_bytes\"", "\"vector_bits\"", "\"running_ppl\""}) {
            assertTrue(json.contains(key), "missing " + key + " in\n" + json);
        }
        assertEquals("llama.cpp", back.protocol().name());
        assertTrue(back.protocol().bos());
        assertEquals(6 * 7, back.protocol().scoredTokens());
        Metric ppl = back.metrics().get("ppl");
        assertEquals(ppl.value() * back.metrics().get("mean_nll").stderr(), ppl.stderr(), 1e-12);
        try (var listing = Files.list(file.getParent())) {
            assertEquals(1, listing.count(), "only the results file, no temp file");
        }
    }

    @Test
    void readerRefusesOtherDocumentsAndNewerSchemas(@TempDir Path dir) throws IOException {
        Path notJson = dir.resolve("a.json");
        Files.writeString(notJson, "{ nope");
        assertTrue(assertThrows(ModelFormatException.class, () -> ResultsIo.read(notJson)).getMessage().contains("not valid JSON"));
        Path other = dir.resolve("b.json");
        Files.writeString(other, "{\"schema\": \"something-else\", \"schema_version\": 1}");
        assertTrue(assertThrows(ModelFormatException.class, () -> ResultsIo.read(other)).getMessage().contains("not a whittle results file"));
        Path newer = dir.resolve("c.json");
        Files.writeString(newer, "{\"schema\": \"whittle-results\", \"schema_version\": 99}");
        String message = assertThrows(ModelFormatException.class, () -> ResultsIo.read(newer)).getMessage();
        assertTrue(message.contains("schema_version 99"), message);
        assertThrows(ModelFormatException.class, () -> ResultsIo.read(dir.resolve("missing.json")));
    }

    @Test
    void sha256OfFileAndTokens(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("abc");
        Files.write(f, "abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.ofFile(f));
        Path big = dir.resolve("big");
        byte[] data = new byte[3 * (1 << 20) + 17];
        new java.util.SplittableRandom(3).nextBytes(data);
        Files.write(big, data);
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data)),
                Sha256.ofFile(big));
        int[] tokens = new int[5000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i * 7919 - 3;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * tokens.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int t : tokens) {
            b.putInt(t);
        }
        assertArrayEquals(java.security.MessageDigest.getInstance("SHA-256").digest(b.array()), Sha256.ofTokens(tokens));
    }

    @Test
    void printerShowsMetricsWithUncertainty(@TempDir Path dir) throws IOException {
        Results results = sample(dir);
        String text = ResultsPrinter.render(results);
        Metric ppl = results.metrics().get("ppl");
        assertTrue(text.contains("protocol   llama.cpp, n_ctx 16, stride 16, BOS per chunk, 6 chunks, 42 scored tokens"), text);
        String pplLine = text.lines().filter(l -> l.startsWith("ppl ")).findFirst().orElseThrow();
        assertTrue(pplLine.contains(ResultsPrinter.num(ppl.value())), pplLine);
        assertTrue(pplLine.contains(ResultsPrinter.num(ppl.stderr())), pplLine);
        assertTrue(pplLine.contains("[" + ResultsPrinter.num(ppl.ci95()[0]) + ", "), pplLine);
        assertTrue(text.contains("estimated"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("pp4 ") && l.contains("2000.00")), text);
        assertEquals("12.5", ResultsPrinter.num(12.5));
        assertEquals("1.50 KiB", ResultsPrinter.bytes(1536));
    }

    /** The fixtures folder: system property {@code whittle.fixtures}, else ../shared/fixtures from the repo root. */
    static Path fixtures() {
        String property = System.getProperty("whittle.fixtures");
        return property != null && !property.isBlank() ? Path.of(property) : Path.of("..", "..", "shared", "fixtures");
    }

    @Test
    void sha256OfARealDatasetMatchesTheFixtureManifest() throws IOException {
        Path root = fixtures();
        Path manifest = root.resolve("MANIFEST.sha256");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(manifest), "fixtures not found at " + root);
        String expected = Files.readAllLines(manifest).stream()
                .filter(l -> l.endsWith("./datasets/wikitext-2-raw/wiki.test.raw"))
                .map(l -> l.substring(0, 64)).findFirst().orElseThrow();
        assertEquals(expected, Sha256.ofFile(root.resolve("datasets/wikitext-2-raw/wiki.test.raw")));
    }
}
