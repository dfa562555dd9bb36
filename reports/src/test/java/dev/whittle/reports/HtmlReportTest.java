package dev.whittle.reports;

import dev.whittle.eval.Metric;
import dev.whittle.eval.Results;
import dev.whittle.eval.ResultsIo;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {

    private static Element cell(Document d, String variant, Column c) {
        Element row = d.selectFirst("#summary tr[data-variant=" + variant + "]");
        assertNotNull(row, "row for " + variant);
        Element td = row.selectFirst("td[data-key=" + c.key + "]");
        assertNotNull(td, variant + " " + c.key);
        return td;
    }

    private static double value(Element td) {
        return Double.parseDouble(td.attr("data-value"));
    }

    @Test
    void everyVariantsNumbersEqualItsResults() {
        List<Variant> vs = SampleResults.variants();
        Document d = Jsoup.parse(Reports.render(vs, ReportFormat.HTML));
        assertEquals(vs.size(), d.select("#summary tbody tr").size());
        for (Variant v : vs) {
            Results r = v.results();
            assertEquals(v.name(), cell(d, v.name(), Column.VARIANT).text());
            assertEquals(r.model().bitsPerWeight(), value(cell(d, v.name(), Column.BITS_PER_WEIGHT)));
            assertEquals(String.format(Locale.ROOT, "%.3f", r.model().bitsPerWeight()), cell(d, v.name(), Column.BITS_PER_WEIGHT).text());
            assertEquals(r.model().files().getFirst().bytes(), value(cell(d, v.name(), Column.FILE_SIZE)));
            check(d, v.name(), Column.PPL, r.metrics().get("ppl"), true);
            check(d, v.name(), Column.KLD, r.metrics().get("kld_mean"), false);
            check(d, v.name(), Column.TOP1, r.metrics().get("same_top"), false);
            check(d, v.name(), Column.PREFILL, r.metrics().get("prefill_tps"), false);
            check(d, v.name(), Column.DECODE, r.metrics().get("decode_tps"), false);
            check(d, v.name(), Column.PEAK_MEMORY, r.metrics().get("peak_rss_bytes"), false);
        }
        // Spot values as a reader sees them.
        assertEquals("7.9877 ± 0.0812", cell(d, "fp32", Column.PPL).text());
        assertEquals("99.84 %", cell(d, "f16", Column.TOP1).text());
        assertEquals("812.3 ± 10.0", cell(d, "fp32", Column.DECODE).text());
        assertEquals("200.27 MiB", cell(d, "fp32", Column.PEAK_MEMORY).text());
        assertEquals(8.0 * 160_000 / 260_000, value(cell(d, "q4_0", Column.BITS_PER_WEIGHT)), 0);
        // ΔPPL against the first all-float variant (fp32), exactly as computed from the two PPLs.
        assertEquals(100 * (SampleResults.PPL_Q4 / SampleResults.PPL_F32 - 1), value(cell(d, "q4_0", Column.DELTA_PPL)), 0);
        assertEquals("+18.38 %", cell(d, "q4_0", Column.DELTA_PPL).text());
        assertEquals(0.0, value(cell(d, "fp32", Column.DELTA_PPL)));
        assertTrue(d.selectFirst("#summary tr[data-variant=fp32]").hasClass("base"));
    }

    private static void check(Document d, String variant, Column c, Metric m, boolean spreadIsStderr) {
        Element td = cell(d, variant, c);
        if (m == null) {
            assertEquals(Format.MISSING, td.text(), variant + " " + c.key);
            assertFalse(td.hasAttr("data-value"));
            assertTrue(td.hasClass("missing"));
            return;
        }
        assertEquals(m.value(), value(td), variant + " " + c.key);
        Double spread = spreadIsStderr ? m.stderr() : m.stddev();
        if (spread != null) assertEquals(spread, Double.parseDouble(td.attr("data-spread")), variant + " " + c.key);
    }

    @Test
    void missingMetricsRenderAsDashesAndTheBestValuesAreHighlighted() {
        Document d = Jsoup.parse(Reports.render(SampleResults.variants(), ReportFormat.HTML));
        for (Column c : List.of(Column.PPL, Column.DELTA_PPL, Column.KLD, Column.TOP1, Column.PREFILL, Column.DECODE, Column.PEAK_MEMORY)) {
            assertEquals("—", cell(d, "q8_0", c).text(), c.key);
        }
        List<String> best = new ArrayList<>();
        for (Element td : d.select("#summary td.best")) best.add(td.parent().attr("data-variant") + ":" + td.attr("data-key"));
        assertEquals(List.of("fp32:ppl", "fp32:delta_ppl_pct", "fp32:prefill_tps",
                "f16:kld_mean", "f16:same_top",
                "q4_0:bits_per_weight", "q4_0:file_bytes", "q4_0:decode_tps", "q4_0:peak_rss_bytes"), best);
    }

    @Test
    void pageIsSelfContainedWithInlineSvgCharts() {
        String html = Reports.render(SampleResults.variants(), ReportFormat.HTML);
        Document d = Jsoup.parse(html);
        assertTrue(d.select("script, link, iframe, img, object, embed").isEmpty(), "no external resources or scripts");
        for (Element e : d.select("[src], [href]")) fail("external reference " + e);
        assertFalse(html.contains("url(http"), "no remote CSS resources");
        assertEquals(List.of("chart-ppl", "chart-kld", "chart-decode", "chart-prefill", "chart-memory"),
                d.select("svg").stream().map(e -> e.id()).toList());
        // Each chart names its variants (item labels / category ticks).
        assertTrue(d.getElementById("chart-ppl").text().contains("q4_0"));
        assertTrue(d.getElementById("chart-decode").text().contains("f16"));
        // Per-tensor errors: natural order, values as given, missing variants not in the table.
        List<String> tensors = d.select("#quant-errors tbody td.name").eachText();
        assertEquals(List.of("blk.0.attn_q.weight", "blk.2.attn_q.weight", "blk.10.attn_q.weight"), tensors);
        assertEquals(List.of("tensor", "q4_0"), d.select("#quant-errors thead th").eachText());
        assertEquals(0.12, Double.parseDouble(d.select("#quant-errors tbody tr").get(1).select("td").get(1).attr("data-value")));
        // Provenance: one block per variant with its hash and command.
        assertEquals(4, d.select("details").size());
        assertTrue(d.select("details").first().text().contains("ab".repeat(32)));
        assertTrue(d.select("details").first().text().contains("whittle eval runs/fp32.gguf --ppl tinystories-valid"));
    }

    private static void fail(String message) {
        org.junit.jupiter.api.Assertions.fail(message);
    }

    @Test
    void fromResultsFilesNamedByTheirDirectories(@TempDir Path dir) throws Exception {
        List<Path> files = new ArrayList<>();
        for (Variant v : SampleResults.variants()) {
            Path f = dir.resolve(v.name()).resolve("results.json");
            ResultsIo.write(f, v.results());
            files.add(f);
        }
        Path out = dir.resolve("report.html");
        Reports.write(files, out, ReportFormat.HTML);
        Document d = Jsoup.parse(Files.readString(out, StandardCharsets.UTF_8));
        for (Path f : files) {
            Results r = ResultsIo.read(f);
            String name = f.getParent().getFileName().toString();
            Element ppl = cell(d, name, Column.PPL);
            if (r.metrics().containsKey("ppl")) assertEquals(r.metrics().get("ppl").value(), value(ppl));
            else assertNull(ppl.attributes().get("data-value").isEmpty() ? null : ppl);
        }
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(), "no temp files left");
        }
    }

    @Test
    void aResultsFileWithNothingButItsHeaderStillRenders() {
        Results bare = new dev.whittle.eval.ResultsBuilder("0.1.0").build();
        Document d = Jsoup.parse(Reports.render(List.of(new Variant("bare", null, bare)), ReportFormat.HTML));
        Element row = d.selectFirst("#summary tbody tr");
        for (Element td : row.select("td").subList(1, Column.values().length)) assertEquals("—", td.text());
        assertTrue(d.select("svg").isEmpty());
    }
}
