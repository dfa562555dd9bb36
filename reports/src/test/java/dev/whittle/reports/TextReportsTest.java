package dev.whittle.reports;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TextReportsTest {
    @Test
    void markdownSummaryTable() {
        String md = Reports.render(SampleResults.variants(), ReportFormat.MD);
        assertEquals("""
                | Variant | Format / dtype mix | Bits/weight | File size | PPL ± err | ΔPPL | KLD | Top-1 agree | Prefill tok/s | Decode tok/s | Peak memory |
                |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
                | fp32 (base) | GGUF · F32 100% | 32.000 | 1.05 MiB | **7.9877 ± 0.0812** | **+0.00 %** | — | — | **5123.4 ± 40.0** | 812.3 ± 10.0 | 200.27 MiB |
                | f16 | GGUF · F16 100% · F32 <1% | 16.062 | 546.88 KiB | 7.9881 ± 0.0813 | +0.01 % | **4.12e-05** | **99.84 %** | 4800.0 ± 60.0 | 790.5 ± 12.0 | 181.20 MiB |
                | q4_0 | GGUF · Q4_0 98% · F32 2% | **4.923** | **195.31 KiB** | 9.4561 ± 0.0950 | +18.38 % | 0.07310 | 87.12 % | — | **1010.0 ± 14.0** | **171.66 MiB** |
                | q8_0 | GGUF · Q8_0 98% · F32 2% | 8.862 | 292.97 KiB | — | — | — | — | — | — | — |
                """, md);
    }

    @Test
    void csvOneRowPerVariantWithRawNumbers() {
        String csv = Reports.render(SampleResults.variants(), ReportFormat.CSV);
        List<String> lines = csv.lines().toList();
        assertEquals(5, lines.size());
        assertEquals(String.join(",", CsvReport.HEADER), lines.get(0));
        assertEquals("fp32,,runs/fp32.gguf,GGUF · F32 100%,32,1100000,7.987654321,0.0812,0,,,5123.4,40,812.25,10,210000000", lines.get(1));
        assertEquals("q8_0,,runs/q8_0.gguf,GGUF · Q8_0 98% · F32 2%," + 8.0 * 288_000 / 260_000 + ",300000,,,,,,,,,,", lines.get(4));
        String[] q4 = lines.get(3).split(",", -1);
        assertEquals(CsvReport.HEADER.size(), q4.length);
        assertEquals(100 * (SampleResults.PPL_Q4 / SampleResults.PPL_F32 - 1), Double.parseDouble(q4[CsvReport.HEADER.indexOf("delta_ppl_pct")]));
        assertEquals("0.8712", q4[CsvReport.HEADER.indexOf("same_top")]);
    }

    @Test
    void csvQuotesFieldsWithCommasAndQuotes() {
        assertEquals("\"a,b\"", CsvReport.quote("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", CsvReport.quote("say \"hi\""));
        assertEquals("plain", CsvReport.quote("plain"));
    }

    @Test
    void tickLabelsArePlainDecimalsExceptForTinyMagnitudes() {
        TickFormat f = new TickFormat();
        assertEquals("3.73712", f.format(3.737120000001));
        assertEquals("1250", f.format(1250.0));
        assertEquals("0", f.format(0.0));
        assertEquals("0.0125", f.format(0.0125));
        assertEquals("5.14e-07", f.format(5.14e-7));
        assertEquals("-2.5", f.format(-2.5));
    }

    @Test
    void formatsAndNames() {
        assertEquals(ReportFormat.MD, ReportFormat.forFile(Path.of("x/summary.md")));
        assertEquals(ReportFormat.CSV, ReportFormat.forFile(Path.of("a.CSV")));
        assertEquals(ReportFormat.HTML, ReportFormat.forFile(Path.of("report.html")));
        assertEquals("--format pdf: expected html, md or csv", assertThrows(IllegalArgumentException.class, () -> ReportFormat.parse("pdf")).getMessage());
        assertEquals("q4_0", Variant.nameFor(Path.of("run/q4_0/results.json")));
        assertEquals("f16-eval", Variant.nameFor(Path.of("out/f16-eval.json")));
        List<Variant> same = Variant.uniqueNames(List.of(new Variant("a", null, null), new Variant("a", null, null), new Variant("b", null, null)));
        assertEquals(List.of("a", "a#2", "b"), same.stream().map(Variant::name).toList());
        assertThrows(IllegalArgumentException.class, () -> Reports.render(List.of(), ReportFormat.HTML));
    }
}
