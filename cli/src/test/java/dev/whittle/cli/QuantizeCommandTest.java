package dev.whittle.cli;

import dev.whittle.core.gguf.GgufFile;
import dev.whittle.core.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class QuantizeCommandTest {
    static Path fixtures() {
        String prop = System.getProperty("whittle.fixtures");
        if (prop != null && Files.isDirectory(Path.of(prop))) return Path.of(prop);
        return Path.of("").toAbsolutePath().getParent().resolve("../shared/fixtures").normalize();
    }

    @Test
    void writesAQ8_0File(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("s.gguf");
        int code = Whittle.commandLine().execute("quantize", fixtures().resolve("models/stories260K/stories260K.gguf").toString(),
                "-o", out.toString(), "--method", "rtn", "--type", "q8_0");
        assertEquals(0, code);
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(7L, f.metadata().get("general.file_type").asLong());
            assertEquals(DType.Q8_0, f.tensor("blk.0.attn_q.weight").orElseThrow().dtype());
        }
    }

    @Test
    void refusesUnknownTypesAndForeignGroupSizes(@TempDir Path dir) {
        String model = fixtures().resolve("models/stories260K/stories260K.gguf").toString();
        StringWriter err = new StringWriter();
        var cl = Whittle.commandLine();
        cl.setErr(new PrintWriter(err));
        Path out = dir.resolve("x.gguf");
        assertEquals(2, cl.execute("quantize", model, "-o", out.toString(), "--type", "q3_xs"));
        assertTrue(err.toString().contains("unknown type"), err.toString());
        assertEquals(2, cl.execute("quantize", model, "-o", out.toString(), "--type", "q4_0", "--group-size", "128"));
        assertTrue(err.toString().contains("--group-size 128"), err.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void writesGroupedInt4AsCompressedTensorsThatRunsNatively(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("int4");
        int code = Whittle.commandLine().execute("quantize", fixtures().resolve("models/stories260K-hf").toString(),
                "-o", out.toString(), "--type", "int4", "--group-size", "32", "--asym");
        assertEquals(0, code);
        String cfg = java.nio.file.Files.readString(out.resolve("config.json"));
        assertTrue(cfg.contains("\"pack-quantized\"") && cfg.contains("\"group_size\" : 32"), cfg);
        try (var m = dev.whittle.core.model.ModelLoader.open(out)) {
            var w = m.quantizedWeight("model.layers.0.mlp.up_proj.weight");
            assertTrue(w.isPresent(), "packed weights are recognised");
            assertEquals(4, w.get().bits());
            assertFalse(w.get().symmetric());
        }
        assertNotEquals(0, Whittle.commandLine().execute("quantize", fixtures().resolve("models/stories260K-hf").toString(),
                "-o", dir.resolve("x").toString(), "--type", "int4", "--method", "gptq"));
    }
}
