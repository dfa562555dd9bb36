package dev.whittle.quantize;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp itself, for compatibility tests: its prebuilt CPU library through node-llama-cpp (installed by
 * {@code scripts/install-llama-cpp.sh}, which {@code .ci/run} calls), driven by {@code scripts/llama-cpp-logits.mjs}.
 */
final class LlamaCpp {
    private LlamaCpp() {}

    static Path installDir() {
        String env = System.getenv("WHITTLE_NODE_LLAMA_CPP");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "whittle", "node-llama-cpp");
    }

    /** Why llama.cpp cannot be run here, or null when it can. */
    static String unavailableReason() {
        if (!Files.isRegularFile(installDir().resolve("node_modules/node-llama-cpp/package.json"))) {
            return "node-llama-cpp not installed in " + installDir() + " (scripts/install-llama-cpp.sh)";
        }
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? null : "node does not run";
        } catch (IOException | InterruptedException e) {
            return "node not found: " + e.getMessage();
        }
    }

    /** llama.cpp's raw next-token logits after each prefix of {@code tokens}: [position][vocab]. */
    static float[][] logits(Path model, int[] tokens) throws IOException, InterruptedException {
        StringJoiner ids = new StringJoiner(",");
        for (int t : tokens) ids.add(Integer.toString(t));
        Path script = Path.of("").toAbsolutePath().getParent().resolve("scripts/llama-cpp-logits.mjs");
        Process p = new ProcessBuilder("node", script.toString(), installDir().toString(), model.toString(), ids.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("llama.cpp could not evaluate " + model + " (exit " + p.exitValue() + ")");
        }
        ObjectMapper json = new ObjectMapper();
        List<float[]> rows = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) rows.add(json.readValue(line, float[].class));
        }
        return rows.toArray(float[][]::new);
    }
}
