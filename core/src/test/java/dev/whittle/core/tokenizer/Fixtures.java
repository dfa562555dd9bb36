package dev.whittle.core.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Locates the shared fixtures and reads llama.cpp's tokenizer test vectors. */
final class Fixtures {
    private Fixtures() {}

    static Path root() {
        String p = System.getProperty("whittle.fixtures");
        return p != null ? Path.of(p) : Path.of("..").toAbsolutePath().resolve("../shared/fixtures").normalize();
    }

    static Path vocab(String name) { return root().resolve("models/ggml-vocab/ggml-vocab-" + name + ".gguf"); }

    record Case(String text, int[] ids) {}

    /**
     * The cases of {@code NAME.gguf.inp/.out}, split as llama.cpp's test-tokenizer-0 does: inputs are
     * separated by "\n__ggml_vocab_test__\n" (so each case keeps its own leading/trailing newlines), outputs
     * are one line per case.
     */
    static List<Case> ggmlVocabCases(String name) throws IOException {
        Path base = vocab(name);
        String raw = Files.readString(Path.of(base + ".inp"), StandardCharsets.UTF_8);
        List<String> outs = Files.readAllLines(Path.of(base + ".out"), StandardCharsets.UTF_8);
        String sep = "\n__ggml_vocab_test__\n";
        List<String> ins = new ArrayList<>();
        int pos = 0;
        while (pos < raw.length()) {
            int next = raw.indexOf(sep, pos);
            if (next < 0) {
                ins.add(raw.substring(pos));
                break;
            }
            ins.add(raw.substring(pos, next));
            pos = next + sep.length();
        }
        if (ins.size() != outs.size()) throw new IllegalStateException(name + ": " + ins.size() + " inputs vs " + outs.size() + " outputs");
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < ins.size(); i++) {
            String o = outs.get(i).strip();
            int[] ids = o.isEmpty() ? new int[0] : java.util.Arrays.stream(o.split(" ")).mapToInt(Integer::parseInt).toArray();
            cases.add(new Case(ins.get(i), ids));
        }
        return cases;
    }
}
