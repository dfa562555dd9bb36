package dev.whittle.bench;

import dev.whittle.core.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Golden text of the tables on fixed numbers (llama-bench's layout, columns widened to fit). */
class BenchTablesTest {
    static final ModelFacts FACTS = new ModelFacts("/tmp/tl-f32.gguf", "tl-f32.gguf F32", DType.F32,
            4_400_000_000L, 1_100_048_384L, 2_000_000_000L);
    static final List<BenchResult> RESULTS = List.of(
            new BenchResult(128, 0, 2, new long[] {1_000_000_000L, 800_000_000L}, "2026-11-24T08:00:00Z"),
            new BenchResult(0, 32, 2, new long[] {4_000_000_000L, 4_000_000_000L}, "2026-11-24T08:00:05Z"));
    static final MemoryBandwidth.Measurement ONE = new MemoryBandwidth.Measurement(1, 1L << 30, new double[] {11.5, 12.5}, true);
    static final MemoryBandwidth.Measurement TWO = new MemoryBandwidth.Measurement(2, 1L << 30, new double[] {18.0, 20.0}, true);

    static ModelBenchReport report(MemoryBandwidth.Measurement bw) {
        return new ModelBenchReport(FACTS, 512, "25+36-LTS (test)", "test cpu", RESULTS, bw);
    }

    @Test
    void resultsTable() {
        String expected = """
                | model                          |       size |     params | backend                  | threads |            test |                  t/s |
                | ------------------------------ | ---------: | ---------: | ------------------------ | ------: | --------------: | -------------------: |
                | tl-f32.gguf F32                |   4.10 GiB |     1.10 B | JVM Vector API (512-bit) |       2 |           pp128 |       144.00 ± 22.63 |
                | tl-f32.gguf F32                |   4.10 GiB |     1.10 B | JVM Vector API (512-bit) |       2 |            tg32 |          8.00 ± 0.00 |
                """;
        assertEquals(expected, BenchTables.results(report(null)));
    }

    @Test
    void bandwidthTable() {
        String expected = """
                | threads |     buffer | passes |  best GB/s |  mean GB/s |
                | ------: | ---------: | -----: | ---------: | ---------: |
                |       1 |   1.00 GiB |      2 |      12.50 |      12.00 |
                |       2 |   1.00 GiB |      2 |      20.00 |      19.00 |
                """;
        assertEquals(expected, BenchTables.bandwidth(List.of(ONE, TWO)));
    }

    @Test
    void boundLineDividesBestBandwidthByBytesPerToken() {
        // 20 GB/s over 2 GB per token = 10 t/s; tg32 at 8 t/s is 80 % of it.
        assertEquals("decode bound: 10.00 t/s = 20.00 GB/s (best, 2 threads) / 2.00 GB of weights read per token; tg32 reaches 80% of it\n",
                BenchTables.boundLine(report(TWO)));
        assertEquals("", BenchTables.boundLine(report(null)));
    }

    @Test
    void comparisonPairsTestsByNameWithTheRatioOfMeans() {
        List<LlamaCppBaseline.Figure> llama = List.of(new LlamaCppBaseline.Figure("pp128", 160, 5),
                new LlamaCppBaseline.Figure("tg32", 16, 1), new LlamaCppBaseline.Figure("pp512", 100, 1));
        String[] lines = BenchTables.comparison(report(null), llama).split("\n");
        assertEquals(4, lines.length, "header, rule and the two tests both ran (pp512 has no whittle run)");
        assertEquals(List.of("pp128", "144.00 ± 22.63", "160.00 ± 5.00", "0.90"), cells(lines[2]));
        assertEquals(List.of("tg32", "8.00 ± 0.00", "16.00 ± 1.00", "0.50"), cells(lines[3]));
    }

    private static List<String> cells(String row) {
        return java.util.Arrays.stream(row.split("\\|")).map(String::strip).filter(c -> !c.isEmpty()).toList();
    }

    @Test
    void llamaBenchUnits() {
        assertEquals("256.00 MiB", BenchTables.size(256L << 20));
        assertEquals("1.00 GiB", BenchTables.size(1L << 30));
        assertEquals("134.52 M", BenchTables.params(134_515_008L));
        assertEquals("1.24 B", BenchTables.params(1_235_814_400L));
    }

    @Test
    void narrowColumnsKeepLlamaBenchMinimumWidths() {
        String t = new MarkdownTable().column("a", -3).column("b", 4).row("x", "1").render();
        assertEquals("| a   |    b |\n| --- | ---: |\n| x   |    1 |\n", t);
    }
}
