package dev.whittle.bench;

import dev.whittle.engine.kernel.KernelCompilation;
import dev.whittle.engine.kernel.VectorWidth;
import jdk.incubator.vector.FloatVector;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Measures which vector width runs the engine's kernels fastest on this machine ({@code whittle bench
 * --tune-width}): one {@link WidthProbe} JVM per candidate width (256 and 512 bits, as far as the CPU has them),
 * the same kernels and shapes in each, compared by the geometric mean of their time ratios. The winner is recorded
 * with {@link VectorWidth#write} and used by every later run on this CPU unless {@code -Dwhittle.vectorBits} says
 * otherwise. A challenger must be at least {@value #MARGIN_PERCENT} % faster than the preferred width to replace it:
 * the machines this runs on are noisy.
 */
public final class WidthTuner {
    static final int MARGIN_PERCENT = 3;

    private WidthTuner() {}

    /** One kernel case: best microseconds per width. */
    public record Row(String kernel, Map<Integer, Double> micros) {}

    /** All rows, the geometric mean time of each width relative to the preferred one, and the pick. */
    public record Result(int preferred, List<Integer> widths, List<Row> rows, Map<Integer, Double> relative, int best) {}

    /** Widths worth trying on a CPU whose preferred width is {@code preferred}. */
    static List<Integer> candidates(int preferred) {
        List<Integer> w = new ArrayList<>();
        for (int bits : new int[] {256, 512}) if (bits <= preferred) w.add(bits);
        if (w.isEmpty()) w.add(preferred);
        return w;
    }

    /** Runs the probes ({@code seconds} of warm-up and of timing per case and width). */
    public static Result tune(double seconds, Consumer<String> progress) throws IOException, InterruptedException {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        List<Integer> widths = candidates(preferred);
        Map<String, Map<Integer, Double>> table = new LinkedHashMap<>();
        for (int bits : widths) {
            progress.accept("timing " + WidthProbe.cases().size() + " kernel cases at " + bits + " bits");
            for (String[] line : probe(bits, seconds)) {
                table.computeIfAbsent(line[0], k -> new LinkedHashMap<>()).put(bits, Double.parseDouble(line[2]));
            }
        }
        List<Row> rows = table.entrySet().stream().map(e -> new Row(e.getKey(), e.getValue())).toList();
        Map<Integer, Double> relative = relative(rows, widths, preferred);
        return new Result(preferred, widths, rows, relative, pick(relative, preferred));
    }

    /** Per width, the geometric mean over rows of its time divided by the preferred width's time. */
    static Map<Integer, Double> relative(List<Row> rows, List<Integer> widths, int preferred) {
        Map<Integer, Double> rel = new LinkedHashMap<>();
        int base = widths.contains(preferred) ? preferred : widths.getLast();
        for (int bits : widths) {
            double logSum = 0;
            for (Row r : rows) logSum += Math.log(r.micros().get(bits) / r.micros().get(base));
            rel.put(bits, Math.exp(logSum / rows.size()));
        }
        return rel;
    }

    /** The fastest width, keeping the preferred one unless another beats it by the margin. */
    static int pick(Map<Integer, Double> relative, int preferred) {
        int best = relative.containsKey(preferred) ? preferred : relative.keySet().iterator().next();
        double bestTime = relative.get(best);
        for (var e : relative.entrySet()) {
            if (e.getValue() < bestTime * (1 - MARGIN_PERCENT / 100.0)) {
                best = e.getKey();
                bestTime = e.getValue();
            }
        }
        return best;
    }

    /** Records the pick for this CPU; returns the file. */
    public static Path record(Result result) throws IOException {
        Path file = VectorWidth.recordFile();
        VectorWidth.write(file, new VectorWidth.Recorded(VectorWidth.cpu(), result.best()));
        return file;
    }

    private static List<String[]> probe(int bits, double seconds) throws IOException, InterruptedException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", KernelCompilation.JVM_FLAG,
                "-D" + VectorWidth.PROPERTY + "=" + bits, "-cp", System.getProperty("java.class.path"),
                WidthProbe.class.getName(), Double.toString(seconds));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String[]> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split("\t");
                if (f.length == 3) lines.add(f);
            }
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
        int code = p.waitFor();
        if (code != 0 || lines.size() != WidthProbe.cases().size()) {
            throw new IOException("the " + bits + "-bit probe JVM failed (exit " + code + ", " + lines.size() + " of "
                    + WidthProbe.cases().size() + " cases)");
        }
        return lines;
    }
}
