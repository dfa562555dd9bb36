package dev.whittle.cli.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.whittle.datasets.DatasetRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a recipe YAML (format: docs/recipes.md) and validates all of it before any work starts. The first
 * problem found is a {@link RecipeException}: one line naming the file, the key path
 * ({@code variants[2].steps[0].type}) and what is wrong.
 */
public final class RecipeParser {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
    private static final List<String> TOP_KEYS = List.of("base", "data_dir", "calibration", "eval", "measure", "latency", "seed", "threads", "variants", "sweep");
    private static final List<String> PROTOCOLS = List.of("llama.cpp", "papers");

    private final String file;
    private final Path dir;

    private RecipeParser(Path recipe) {
        this.file = recipe.toString();
        Path parent = recipe.toAbsolutePath().getParent();
        this.dir = parent == null ? Path.of(".") : parent;
    }

    public static Recipe parse(Path recipe) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(recipe));
        } catch (NoSuchFileException e) {
            throw new RecipeException(recipe.toString(), null, "no such file");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new RecipeException(recipe.toString(), null, "not valid YAML" + where + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new RecipeException(recipe.toString(), null, "cannot read: " + e.getMessage());
        }
        return new RecipeParser(recipe).recipe(root);
    }

    private Recipe recipe(JsonNode root) {
        if (root == null || !root.isObject()) throw fail("", "a recipe is a mapping with keys " + String.join(", ", TOP_KEYS));
        keys(root, "", TOP_KEYS);
        Path base = path(required(root, "", "base"), "base");
        if (!Files.exists(base)) throw fail("base", "no such model: " + base);
        Path dataDir = root.has("data_dir") ? path(root.get("data_dir"), "data_dir") : null;
        long seed = root.has("seed") ? integer(root.get("seed"), "seed", Long.MIN_VALUE) : 1;
        Integer threads = root.has("threads") ? (int) integer(root.get("threads"), "threads", 1) : null;

        Set<Measure> measure = measures(root.get("measure"));
        EvalSpec eval = eval(required(root, "", "eval"), measure, root.get("latency"), seed);
        Calibration calibration = root.has("calibration") ? calibration(root.get("calibration"), seed) : null;

        List<VariantSpec> variants = new ArrayList<>();
        if (root.has("variants")) {
            JsonNode vs = root.get("variants");
            if (!vs.isArray()) throw fail("variants", "expected a list of variants");
            for (int i = 0; i < vs.size(); i++) variants.add(variant(vs.get(i), "variants[" + i + "]", calibration));
        }
        if (root.has("sweep")) {
            JsonNode sw = root.get("sweep");
            if (!sw.isArray()) throw fail("sweep", "expected a list of sweeps");
            for (int i = 0; i < sw.size(); i++) variants.addAll(Sweep.expand(this, sw.get(i), "sweep[" + i + "]", calibration));
        }
        if (variants.isEmpty()) throw fail("variants", "no variants: give `variants` and/or `sweep`");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < variants.size(); i++) {
            if (!names.add(variants.get(i).name())) throw fail("variants", "duplicate variant name '" + variants.get(i).name() + "'");
        }
        return new Recipe(Path.of(file), base, dataDir, calibration, eval, threads, List.copyOf(variants));
    }

    private Set<Measure> measures(JsonNode node) {
        if (node == null) return EnumSet.of(Measure.PPL);
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) node.forEach(items::add);
        else items.add(node);
        Set<Measure> out = EnumSet.noneOf(Measure.class);
        for (int i = 0; i < items.size(); i++) {
            String key = node.isArray() ? "measure[" + i + "]" : "measure";
            String s = text(items.get(i), key);
            Measure m = null;
            for (Measure x : Measure.values()) if (x.key().equals(s)) m = x;
            if (m == null) throw fail(key, "unknown measurement " + s + " (known: ppl, kld, latency, memory)");
            out.add(m);
        }
        if (out.isEmpty()) throw fail("measure", "nothing to measure (known: ppl, kld, latency, memory)");
        return out;
    }

    private EvalSpec eval(JsonNode node, Set<Measure> measure, JsonNode latency, long seed) {
        if (!node.isObject()) throw fail("eval", "expected a mapping with dataset, ctx, chunks, protocol");
        keys(node, "eval", List.of("dataset", "ctx", "chunks", "protocol"));
        String dataset = datasetName(required(node, "eval", "dataset"), "eval.dataset");
        int ctx = node.has("ctx") ? (int) integer(node.get("ctx"), "eval.ctx", 8) : 512;
        int chunks = node.has("chunks") ? (int) integer(node.get("chunks"), "eval.chunks", 0) : 0;
        String protocol = node.has("protocol") ? text(node.get("protocol"), "eval.protocol") : "llama.cpp";
        if (!PROTOCOLS.contains(protocol)) throw fail("eval.protocol", "unknown protocol " + protocol + " (known: " + String.join(", ", PROTOCOLS) + ")");
        int prompt = 128;
        int gen = 32;
        int reps = 3;
        if (latency != null) {
            if (!latency.isObject()) throw fail("latency", "expected a mapping with prompt, gen, repetitions");
            keys(latency, "latency", List.of("prompt", "gen", "repetitions"));
            if (latency.has("prompt")) prompt = (int) integer(latency.get("prompt"), "latency.prompt", 1);
            if (latency.has("gen")) gen = (int) integer(latency.get("gen"), "latency.gen", 0);
            if (latency.has("repetitions")) reps = (int) integer(latency.get("repetitions"), "latency.repetitions", 1);
        }
        return new EvalSpec(dataset, ctx, chunks, protocol, Set.copyOf(measure), prompt, gen, reps, seed);
    }

    private Calibration calibration(JsonNode node, long seed) {
        if (!node.isObject()) throw fail("calibration", "expected a mapping with dataset, samples, seq_len, seed");
        keys(node, "calibration", List.of("dataset", "samples", "seq_len", "seed"));
        String dataset = datasetName(required(node, "calibration", "dataset"), "calibration.dataset");
        int samples = node.has("samples") ? (int) integer(node.get("samples"), "calibration.samples", 1) : 128;
        int seqLen = node.has("seq_len") ? (int) integer(node.get("seq_len"), "calibration.seq_len", 8) : 512;
        long s = node.has("seed") ? integer(node.get("seed"), "calibration.seed", Long.MIN_VALUE) : seed;
        return new Calibration(dataset, samples, seqLen, s);
    }

    private VariantSpec variant(JsonNode node, String key, Calibration calibration) {
        if (!node.isObject()) throw fail(key, "expected a mapping with name and steps");
        keys(node, key, List.of("name", "steps"));
        String name = name(required(node, key, "name"), key + ".name");
        List<Step> steps = new ArrayList<>();
        if (node.has("steps") && !node.get("steps").isNull()) {
            JsonNode ss = node.get("steps");
            if (!ss.isArray()) throw fail(key + ".steps", "expected a list of steps");
            for (int i = 0; i < ss.size(); i++) steps.add(step(ss.get(i), key + ".steps[" + i + "]", calibration));
        }
        return new VariantSpec(name, List.copyOf(steps));
    }

    private Step step(JsonNode node, String key, Calibration calibration) {
        if (!node.isObject()) throw fail(key, "expected a mapping like {step: convert, type: f16}");
        String kind = text(required(node, key, "step"), key + ".step");
        if (Step.PLANNED.contains(kind)) throw fail(key + ".step", kind + " is not available yet (known: " + String.join(", ", Step.KINDS) + ")");
        return switch (kind) {
            case "convert" -> {
                keys(node, key, List.of("step", "type"));
                String type = lower(text(required(node, key, "type"), key + ".type"));
                if (!Step.Convert.TYPES.contains(type)) throw fail(key + ".type", "unknown type " + type + " (known: " + String.join(", ", Step.Convert.TYPES) + ")");
                yield new Step.Convert(type);
            }
            case "quantize" -> {
                keys(node, key, List.of("step", "method", "type", "group_size", "act_order"));
                yield quantize(text(required(node, key, "method"), key + ".method"), key + ".method",
                        text(required(node, key, "type"), key + ".type"), key + ".type",
                        node.get("group_size"), key + ".group_size", node.get("act_order"), key + ".act_order", calibration);
            }
            default -> throw fail(key + ".step", "unknown step " + kind + " (known: " + String.join(", ", Step.KINDS) + ")");
        };
    }

    Step.Quantize quantize(String method, String methodKey, String type, String typeKey, JsonNode groupSize, String groupKey,
                           JsonNode actOrder, String actKey, Calibration calibration) {
        method = lower(method);
        type = lower(type);
        if (!Step.Quantize.METHODS.contains(method)) throw fail(methodKey, "unknown method " + method + " (known: " + String.join(", ", Step.Quantize.METHODS) + ")");
        if (!Step.Quantize.TYPES.contains(type)) throw fail(typeKey, "unknown type " + type + " (known: " + String.join(", ", Step.Quantize.TYPES) + ")");
        int native_ = Step.Quantize.groupSizeOf(type);
        int g = native_;
        if (groupSize != null && !groupSize.isNull()) {
            int given = (int) integer(groupSize, groupKey, 1);
            boolean kQuant = type.contains("_k");
            // K-quants: scales per sub-block inside 256-weight super-blocks; either size names the same layout.
            if (given != native_ && !(kQuant && given == 256)) {
                throw fail(groupKey, type + " quantizes in groups of " + native_ + (kQuant ? " (sub-blocks of 256)" : "") + ", not " + given);
            }
        }
        boolean act = false;
        if (actOrder != null && !actOrder.isNull()) {
            if (!actOrder.isBoolean()) throw fail(actKey, "expected true or false, got " + actOrder.asText());
            act = actOrder.booleanValue();
            if (act && !method.equals("gptq")) throw fail(actKey, "act_order applies to gptq only, not " + method);
        }
        if (!method.equals("rtn") && calibration == null) throw fail(methodKey, method + " needs calibration data: add a `calibration` section");
        return new Step.Quantize(method, type, g, act, method.equals("rtn") ? null : calibration);
    }

    // ---- helpers: every failure names its key ----

    RecipeException fail(String key, String problem) {
        return new RecipeException(file, key, problem);
    }

    private void keys(JsonNode node, String key, List<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) throw fail(key.isEmpty() ? k : key + "." + k, "unknown key (known: " + String.join(", ", known) + ")");
        }
    }

    private JsonNode required(JsonNode node, String key, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw fail(key.isEmpty() ? field : key + "." + field, "missing");
        return v;
    }

    String text(JsonNode node, String key) {
        if (node == null || !node.isValueNode() || node.isNull()) throw fail(key, "expected a value, got " + (node == null || node.isNull() ? "nothing" : "a " + node.getNodeType().name().toLowerCase(Locale.ROOT)));
        return node.asText();
    }

    long integer(JsonNode node, String key, long min) {
        if (!node.isIntegralNumber() && !(node.isTextual() && node.asText().matches("-?\\d+"))) {
            throw fail(key, "expected an integer, got " + (node.isValueNode() ? "'" + node.asText() + "'" : "a " + node.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        long v = node.isIntegralNumber() ? node.longValue() : Long.parseLong(node.asText());
        if (v < min) throw fail(key, "must be at least " + min + ", got " + v);
        return v;
    }

    String name(JsonNode node, String key) {
        String n = text(node, key);
        if (!NAME.matcher(n).matches()) throw fail(key, "'" + n + "' cannot name a directory (use letters, digits, '.', '_', '+', '-')");
        return n;
    }

    private String datasetName(JsonNode node, String key) {
        String d = text(node, key);
        if (DatasetRegistry.find(d).isEmpty()) throw fail(key, "unknown dataset " + d + " (known: " + DatasetRegistry.names() + ")");
        return d;
    }

    private Path path(JsonNode node, String key) {
        String p = text(node, key);
        if (p.startsWith("~/")) return Path.of(System.getProperty("user.home"), p.substring(2));
        return dir.resolve(p).normalize();
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
