package dev.whittle.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchJsonTest {
    /** llama-bench's own names (tools/llama-bench/llama-bench.cpp, test::get_fields and the json printer). */
    static final List<String> LLAMA_BENCH_FIELDS = List.of("cpu_info", "backends", "model_filename", "model_type",
            "model_size", "model_n_params", "n_threads", "n_prompt", "n_gen", "n_depth", "test_time", "avg_ns",
            "stddev_ns", "avg_ts", "stddev_ts", "samples_ns", "samples_ts");

    @Test
    void fieldNamesAreLlamaBenchsPlusWhittles() throws Exception {
        JsonNode arr = new ObjectMapper().readTree(BenchJson.write(BenchTablesTest.report(null)));
        assertTrue(arr.isArray());
        assertEquals(2, arr.size());
        List<String> expected = new ArrayList<>(LLAMA_BENCH_FIELDS);
        expected.addAll(List.of("vector_bits", "jdk"));
        for (JsonNode o : arr) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            assertEquals(expected, names);
            // llama-bench's types: integers for sizes, counts and ns; floats for t/s.
            for (String f : List.of("model_size", "model_n_params", "n_threads", "n_prompt", "n_gen", "avg_ns", "stddev_ns", "vector_bits")) {
                assertTrue(o.get(f).isIntegralNumber(), f);
            }
            assertTrue(o.get("avg_ts").isFloatingPointNumber());
            assertTrue(o.get("samples_ns").get(0).isIntegralNumber());
            assertTrue(o.get("samples_ts").get(0).isFloatingPointNumber());
        }
        JsonNode pp = arr.get(0);
        assertEquals("/tmp/tl-f32.gguf", pp.get("model_filename").asText());
        assertEquals("tl-f32.gguf F32", pp.get("model_type").asText());
        assertEquals(4_400_000_000L, pp.get("model_size").asLong());
        assertEquals(1_100_048_384L, pp.get("model_n_params").asLong());
        assertEquals(128, pp.get("n_prompt").asInt());
        assertEquals(0, pp.get("n_gen").asInt());
        assertEquals(144.0, pp.get("avg_ts").asDouble(), 1e-9);
        assertEquals(22.627417, pp.get("stddev_ts").asDouble(), 1e-6);
        assertEquals(900_000_000L, pp.get("avg_ns").asLong());
        assertEquals(512, pp.get("vector_bits").asInt());
    }

    @Test
    void bandwidthFieldsOnlyWhenMeasured() throws Exception {
        JsonNode arr = new ObjectMapper().readTree(BenchJson.write(BenchTablesTest.report(BenchTablesTest.TWO)));
        assertEquals(20.0, arr.get(1).get("membw_gbps").asDouble(), 1e-12);
        assertEquals(10.0, arr.get(1).get("decode_bound_ts").asDouble(), 1e-12);
        JsonNode without = new ObjectMapper().readTree(BenchJson.write(BenchTablesTest.report(null)));
        assertTrue(!without.get(0).has("membw_gbps"));
    }

    @Test
    void readsBackWhatItWrites() {
        ModelBenchReport r = BenchTablesTest.report(null);
        assertEquals(BenchJson.entries(r), BenchJson.read(BenchJson.write(r), "x.json"));
        assertEquals(List.of(new BenchJson.Entry("pp128", 2, 144.0), new BenchJson.Entry("tg32", 2, 8.0)), BenchJson.entries(r));
    }

    @Test
    void readsLlamaBenchOutput() {
        String llama = """
                [
                  {
                    "build_commit": "abc", "build_number": 1, "model_filename": "m.gguf", "model_type": "llama 1B F16",
                    "model_size": 2200000000, "model_n_params": 1100000000, "n_batch": 2048, "n_threads": 4,
                    "n_prompt": 512, "n_gen": 0, "n_depth": 0, "avg_ns": 1, "stddev_ns": 0, "avg_ts": 54.31,
                    "stddev_ts": 0.11, "samples_ns": [ 1 ], "samples_ts": [ 54.31 ]
                  },
                  { "n_threads": 4, "n_prompt": 0, "n_gen": 128, "n_depth": 512, "avg_ts": 9.5 }
                ]
                """;
        assertEquals(List.of(new BenchJson.Entry("pp512", 4, 54.31), new BenchJson.Entry("tg128 @ d512", 4, 9.5)),
                BenchJson.read(llama, "llama.json"));
    }

    @Test
    void malformedBaselinesGiveOneLineMessages() {
        for (String bad : List.of("", "{}", "[1]", "[{\"n_prompt\": 1, \"n_gen\": 0, \"n_threads\": 1}]",
                "[{\"n_prompt\": 1, \"n_gen\": 0, \"n_threads\": 1, \"avg_ts\": -1}]",
                "[{\"n_prompt\": 0, \"n_gen\": 0, \"n_threads\": 1, \"avg_ts\": 1}]",
                "[{\"n_prompt\": 1.5, \"n_gen\": 0, \"n_threads\": 1, \"avg_ts\": 1}]", "[{")) {
            var e = assertThrows(IllegalArgumentException.class, () -> BenchJson.read(bad, "base.json"), bad);
            assertTrue(e.getMessage().startsWith("base.json: ") && !e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
