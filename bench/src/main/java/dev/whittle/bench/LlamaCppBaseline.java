package dev.whittle.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp's own pp/tg speed on the same file, measured right after whittle's in the same run, so the ratio
 * between the two is comparable on a noisy machine where absolute figures are not. It runs
 * {@code scripts/llama-cpp-bench.mjs} with node and node-llama-cpp's prebuilt CPU library (installed by
 * {@code scripts/install-llama-cpp.sh} into {@code $WHITTLE_NODE_LLAMA_CPP}, else
 * {@code ~/.cache/whittle/node-llama-cpp}).
 */
public final class LlamaCppBaseline {
    /** One llama.cpp test: its name (pp128, tg32) and tokens/s as mean ± sample stddev. */
    public record Figure(String test, double meanTs, double stddevTs) {}

    /**
     * One llama.cpp run: its figures, and the CPU variant of ggml it loaded (sapphirerapids, zen4, haswell ...;
     * "unknown" where the script could not tell), which decides whether it used AMX or VNNI int8 instructions.
     */
    public record Run(List<Figure> figures, String cpuVariant, List<String> excluded) {
        /** The variant, with the int8 hardware it brings that the Vector API cannot use, for the line under the table. */
        public String cpuDescription() {
            return switch (cpuVariant) {
                case "sapphirerapids" -> "sapphirerapids (AMX int8 tiles and AVX-512 VNNI dot products)";
                case "zen4", "icelake", "cooperlake", "cascadelake" -> cpuVariant + " (AVX-512 VNNI dot products)";
                case "alderlake" -> cpuVariant + " (AVX-VNNI dot products)";
                default -> cpuVariant;
            };
        }
    }

    private static final Pattern TEST = Pattern.compile("((?:pp|tg)\\d+) ([0-9.]+) ± ([0-9.]+) tok/s");
    private static final Pattern CPU = Pattern.compile("cpu=([\\w-]+)");
    private static final long TIMEOUT_MINUTES = 30;

    private LlamaCppBaseline() {}

    /** Where node-llama-cpp is installed: system property {@code whittle.nodeLlamaCpp}, else the environment, else the cache. */
    public static Path installDir() {
        String prop = System.getProperty("whittle.nodeLlamaCpp");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        String env = System.getenv("WHITTLE_NODE_LLAMA_CPP");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "whittle", "node-llama-cpp");
    }

    /** Why llama.cpp cannot be benchmarked here (one line), or null when it can. */
    public static String unavailableReason() {
        try {
            script();
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        return installProblem();
    }

    /**
     * Why node-llama-cpp cannot be run here (not installed in {@link #installDir}, or no working node), or null
     * when it can. The llama.cpp compatibility tests use it too.
     */
    public static String installProblem() {
        Path dir = installDir();
        if (!Files.isRegularFile(dir.resolve("node_modules/node-llama-cpp/package.json"))) {
            return "llama.cpp (node-llama-cpp) is not installed in " + dir
                    + "; run scripts/install-llama-cpp.sh or set WHITTLE_NODE_LLAMA_CPP";
        }
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? null : "node does not run (needed for llama.cpp through node-llama-cpp)";
        } catch (IOException e) {
            return "node not found (needed for llama.cpp through node-llama-cpp): " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking for node";
        }
    }

    /**
     * Runs llama.cpp's pp{@code prompt} and tg{@code gen} on {@code model} with {@code threads} threads,
     * {@code repetitions} timed runs each after a warm-up, with the CPU variants in {@code exclude} (e.g.
     * sapphirerapids) kept out of its reach.
     *
     * @throws IllegalStateException with a one-line reason when llama.cpp is not installed or fails
     */
    public static Run run(Path model, int prompt, int gen, int threads, int repetitions, List<String> exclude) {
        String why = unavailableReason();
        if (why != null) throw new IllegalStateException(why);
        Path script = script();
        Path dir = installDir();
        List<String> cmd = List.of("node", script.toString(), dir.toString(), model.toAbsolutePath().toString(),
                Integer.toString(prompt), Integer.toString(gen), Integer.toString(threads), Integer.toString(repetitions),
                String.join(",", exclude));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("llama.cpp did not finish benchmarking " + model + " within " + TIMEOUT_MINUTES + " minutes");
            }
            String[] lines = output.strip().split("\n");
            String last = lines.length == 0 ? "" : lines[lines.length - 1];
            if (p.exitValue() != 0) {
                // node prints a thrown error's message on a line of its own, above the stack trace
                String reason = java.util.Arrays.stream(lines).filter(l -> l.startsWith("Error: ")).findFirst()
                        .map(l -> l.substring("Error: ".length())).orElse(last);
                throw new IllegalStateException("llama.cpp could not benchmark " + model + " (exit " + p.exitValue() + "): " + reason);
            }
            Run run = parse(last);
            return new Run(run.figures(), run.cpuVariant(), List.copyOf(exclude));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run node for llama.cpp: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while llama.cpp was benchmarking " + model);
        }
    }

    /**
     * The script's result line: {@code llama.cpp M threads=T: pp128 A ± B tok/s, tg32 C ± D tok/s, cpu=V}
     * (older scripts printed no {@code cpu=}).
     */
    static Run parse(String line) {
        List<Figure> figures = new ArrayList<>();
        Matcher m = TEST.matcher(line);
        while (m.find()) figures.add(new Figure(m.group(1), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))));
        if (figures.isEmpty()) throw new IllegalStateException("llama.cpp printed no pp/tg figures: " + line);
        Matcher cpu = CPU.matcher(line);
        return new Run(List.copyOf(figures), cpu.find() ? cpu.group(1) : "unknown", List.of());
    }

    /** The bench script: under {@code whittle.home} (set by the launcher), else the working directory or its parent. */
    static Path script() {
        Path rel = Path.of("scripts", "llama-cpp-bench.mjs");
        String home = System.getProperty("whittle.home");
        List<Path> candidates = new ArrayList<>();
        if (home != null) candidates.add(Path.of(home).resolve(rel));
        Path cwd = Path.of("").toAbsolutePath();
        candidates.add(cwd.resolve(rel));
        if (cwd.getParent() != null) candidates.add(cwd.getParent().resolve(rel));
        for (Path c : candidates) if (Files.isRegularFile(c)) return c;
        throw new IllegalStateException("cannot find " + rel + " (looked in " + candidates + ")");
    }
}
