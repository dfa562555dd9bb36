package dev.whittle.bench;

import dev.whittle.core.tensor.DType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a JMH CSV result file of {@link MatmulBenchmark} (run with {@code -rf csv -rff FILE}) into a table of
 * µs/op, GFLOP/s and GB/s of weight traffic. Usage: {@code BenchReport results.csv}.
 */
public final class BenchReport {
    private BenchReport() {}

    public static void main(String[] args) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        String[] header = splitCsv(lines.get(0));
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.length; i++) col.put(header[i], i);
        System.out.printf(Locale.ROOT, "%-6s %-8s %-10s %6s %3s %10s %9s %8s%n",
                "dtype", "variant", "shape", "tokens", "thr", "us/op", "GFLOP/s", "GB/s");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = splitCsv(line);
            String dtype = f[col.get("Param: dtype")];
            String shape = f[col.get("Param: shape")];
            int tokens = Integer.parseInt(f[col.get("Param: tokens")]);
            String threads = f[col.get("Param: threads")];
            Integer vi = col.get("Param: variant");
            String variant = vi == null ? "default" : f[vi];
            double us = Double.parseDouble(f[col.get("Score")]);
            String[] rc = shape.split("x");
            long rows = Long.parseLong(rc[0]), cols = Long.parseLong(rc[1]);
            double flops = 2.0 * rows * cols * tokens;
            double bytes = DType.valueOf(dtype).byteSize(rows * cols);
            System.out.printf(Locale.ROOT, "%-6s %-8s %-10s %6d %3s %10.1f %9.2f %8.2f%n",
                    dtype, variant, shape, tokens, threads, us, flops / us / 1e3, bytes / us / 1e3);
        }
    }

    private static String[] splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else cur.append(c);
        }
        out.add(cur.toString());
        return out.toArray(String[]::new);
    }
}
