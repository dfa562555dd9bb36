package dev.whittle.quantize;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whittle.bench.LlamaCppBaseline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    /** Why llama.cpp cannot be run here, or null when it can (the same check as {@code whittle bench --vs-llama-cpp}). */
    static String unavailableReason() {
        return LlamaCppBaseline.installProblem();
    }

    /** llama.cpp's raw next-token logits after each prefix of {@code tokens}: [position][vocab]. */
    static float[][] logits(Path model, int[] tokens) throws IOException, InterruptedException {
        StringJoiner ids = new StringJoiner(",");
        for (int t : tokens) ids.add(Integer.toString(t));
        Path script = Path.of("").toAbsolutePath().getParent().resolve("scripts/llama-cpp-logits.mjs");
        Process p = new ProcessBuilder("node", script.toString(), LlamaCppBaseline.installDir().toString(), model.toString(), ids.toString())
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
