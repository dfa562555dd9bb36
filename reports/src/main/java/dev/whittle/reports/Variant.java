package dev.whittle.reports;

import dev.whittle.eval.Results;
import dev.whittle.eval.ResultsIo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of a report: a results file and the name it is shown under.
 *
 * @param name    display name (unique within a report)
 * @param source  the results file it was read from, or null when built in memory
 * @param results the results
 */
public record Variant(String name, Path source, Results results) {

    /** Reads results files; names come from {@link #nameFor(Path)}, made unique with a {@code #2} suffix. */
    public static List<Variant> load(List<Path> files) {
        List<Variant> out = new ArrayList<>();
        for (Path f : files) out.add(new Variant(nameFor(f), f, ResultsIo.read(f)));
        return uniqueNames(out);
    }

    /**
     * {@code RUNDIR/q4_0/results.json} is named {@code q4_0} (the recipe layout); any other file by its
     * name without {@code .json}, e.g. {@code f16.json} → {@code f16}.
     */
    public static String nameFor(Path file) {
        String fileName = file.getFileName().toString();
        Path parent = file.toAbsolutePath().getParent();
        if (fileName.equals("results.json") && parent != null && parent.getFileName() != null) {
            return parent.getFileName().toString();
        }
        return fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;
    }

    static List<Variant> uniqueNames(List<Variant> variants) {
        Map<String, Integer> seen = new HashMap<>();
        List<Variant> out = new ArrayList<>();
        for (Variant v : variants) {
            int n = seen.merge(v.name(), 1, Integer::sum);
            out.add(n == 1 ? v : new Variant(v.name() + "#" + n, v.source(), v.results()));
        }
        return out;
    }
}
