package dev.whittle.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * llama-bench's JSON output: an array with one object per test, under llama-bench's field names (so tools that
 * read llama-bench results read these too), plus whittle's {@code vector_bits} and {@code jdk}, and, when the
 * memory bandwidth was measured in the same run, {@code membw_gbps} and {@code decode_bound_ts}.
 */
public final class BenchJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What a regression check needs from one test object. */
    public record Entry(String test, int threads, double avgTs) {}

    private BenchJson() {}

    public static String write(ModelBenchReport r) {
        ArrayNode tests = JSON.createArrayNode();
        ModelFacts m = r.model();
        for (BenchResult b : r.results()) {
            ObjectNode o = tests.addObject();
            o.put("cpu_info", r.cpuInfo());
            o.put("backends", "JVM Vector API");
            o.put("model_filename", m.filename());
            o.put("model_type", m.label());
            o.put("model_size", m.sizeBytes());
            o.put("model_n_params", m.parameters());
            o.put("n_threads", b.threads());
            o.put("n_prompt", b.nPrompt());
            o.put("n_gen", b.nGen());
            o.put("n_depth", 0);
            o.put("test_time", b.testTime());
            o.put("avg_ns", b.avgNs());
            o.put("stddev_ns", b.stddevNs());
            o.put("avg_ts", b.avgTs());
            o.put("stddev_ts", b.stddevTs());
            ArrayNode ns = o.putArray("samples_ns");
            for (long v : b.samplesNs()) ns.add(v);
            ArrayNode ts = o.putArray("samples_ts");
            for (double v : b.samplesTs()) ts.add(v);
            o.put("vector_bits", r.vectorBits());
            o.put("jdk", r.jdk());
            if (r.bandwidth() != null) {
                o.put("membw_gbps", r.bandwidth().bestGBps());
                o.put("decode_bound_ts", r.decodeBound().getAsDouble());
            }
        }
        return toString(tests);
    }

    /** The bandwidth measurements alone ({@code whittle bench --membw --json}). */
    public static String writeBandwidth(List<MemoryBandwidth.Measurement> ms) {
        ArrayNode arr = JSON.createArrayNode();
        for (MemoryBandwidth.Measurement m : ms) {
            ObjectNode o = arr.addObject();
            o.put("n_threads", m.threads());
            o.put("buffer_bytes", m.bytes());
            o.put("best_gbps", m.bestGBps());
            o.put("mean_gbps", m.meanGBps());
            ArrayNode s = o.putArray("samples_gbps");
            for (double v : m.samplesGBps()) s.add(v);
            o.put("jdk", Platform.jdk());
        }
        return toString(arr);
    }

    /**
     * Reads the tests of a {@code whittle bench --json} or {@code llama-bench -o json} output.
     *
     * @param source names the input in error messages
     * @throws IllegalArgumentException when the text is not such an array
     */
    public static List<Entry> read(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isArray()) throw new IllegalArgumentException(source + ": expected a JSON array of benchmark tests");
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode o = root.get(i);
            int p = intField(o, "n_prompt", source, i);
            int g = intField(o, "n_gen", source, i);
            int threads = intField(o, "n_threads", source, i);
            int depth = o.has("n_depth") ? intField(o, "n_depth", source, i) : 0;
            JsonNode ts = o.get("avg_ts");
            if (ts == null || !ts.isNumber() || !(ts.asDouble() > 0) || Double.isInfinite(ts.asDouble())) {
                throw new IllegalArgumentException(source + ": test " + i + " has no positive number avg_ts");
            }
            if (p + g == 0) throw new IllegalArgumentException(source + ": test " + i + " has n_prompt = n_gen = 0");
            String name = new BenchResult(p, g, threads, new long[] {1}, "").name() + (depth > 0 ? " @ d" + depth : "");
            out.add(new Entry(name, threads, ts.asDouble()));
        }
        return out;
    }

    /** The entries of a report, as {@link #read} would give them back. */
    public static List<Entry> entries(ModelBenchReport r) {
        return r.results().stream().map(b -> new Entry(b.name(), b.threads(), b.avgTs())).toList();
    }

    private static int intField(JsonNode o, String name, String source, int index) {
        JsonNode v = o == null ? null : o.get(name);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
            throw new IllegalArgumentException(source + ": test " + index + " has no non-negative integer " + name);
        }
        return v.asInt();
    }

    private static String toString(JsonNode n) {
        try {
            return JSON.writeValueAsString(n) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise benchmark JSON", e);
        }
    }
}
