package dev.whittle.cli;

import dev.whittle.reports.ReportFormat;
import dev.whittle.reports.Reports;
import dev.whittle.reports.Variant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code whittle report RESULTS.json... -o report.html [--format html|md|csv]}. */
@Command(name = "report", description = "Compare variants: one self-contained HTML page (tables, charts, provenance), a Markdown table or CSV from Results JSON files.")
public final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RESULTS", arity = "1..*", description = "Results JSON files (from whittle eval or whittle run); RUN/VARIANT/results.json is named VARIANT.")
    List<Path> results;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the report (default: print it to stdout).")
    Path output;

    @Option(names = "--format", paramLabel = "FORMAT", description = "html, md or csv (default: from the output's extension, else html; md when printing).")
    String format;

    @Override
    public Integer call() {
        ReportFormat f = format != null ? ReportFormat.parse(format) : output != null ? ReportFormat.forFile(output) : ReportFormat.MD;
        if (output == null) {
            System.out.print(Reports.render(Variant.load(results), f));
            return 0;
        }
        Reports.write(results, output, f);
        System.out.println("report (" + f.name().toLowerCase(java.util.Locale.ROOT) + ", " + results.size() + " variants) written to " + output);
        return 0;
    }
}
