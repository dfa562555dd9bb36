package dev.whittle.cli.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A grid of quantize variants: every combination of {@code method} × {@code type} × {@code group_size} ×
 * {@code act_order} (each a value or a list), optionally after {@code before} steps (e.g. a convert).
 * Names come from the {@code name} template, default {@code {method}-{type}} plus {@code -g{group_size}}
 * when group sizes are listed and {@code -act} when act_order is true. Combinations that make no sense
 * (act_order for a method other than gptq) are skipped rather than rejected, so a grid can mix methods.
 */
final class Sweep {
    private static final List<String> KEYS = List.of("name", "method", "type", "group_size", "act_order");

    private Sweep() {}

    static List<VariantSpec> expand(RecipeParser p, JsonNode node, String key, Calibration calibration) {
        if (!node.isObject()) throw p.fail(key, "expected a mapping with method, type and optionally group_size, act_order, name");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) throw p.fail(key + "." + k, "unknown key (known: " + String.join(", ", KEYS) + ")");
        }
        List<JsonNode> methods = values(p, node, key, "method", true);
        List<JsonNode> types = values(p, node, key, "type", true);
        boolean groupsGiven = node.has("group_size");
        List<JsonNode> groups = groupsGiven ? values(p, node, key, "group_size", false) : List.of(JsonNodeFactory.instance.nullNode());
        List<JsonNode> acts = node.has("act_order") ? values(p, node, key, "act_order", false) : List.of(JsonNodeFactory.instance.booleanNode(false));
        String template = node.has("name") ? p.text(node.get("name"), key + ".name") : null;

        List<VariantSpec> out = new ArrayList<>();
        for (int mi = 0; mi < methods.size(); mi++) {
            for (int ti = 0; ti < types.size(); ti++) {
                for (int gi = 0; gi < groups.size(); gi++) {
                    for (int ai = 0; ai < acts.size(); ai++) {
                        String method = p.text(methods.get(mi), key(key, "method", node, mi));
                        if (acts.get(ai).asBoolean(false) && !method.equalsIgnoreCase("gptq")) continue;
                        Step.Quantize q = p.quantize(method, key(key, "method", node, mi),
                                p.text(types.get(ti), key(key, "type", node, ti)), key(key, "type", node, ti),
                                groups.get(gi), key(key, "group_size", node, gi), acts.get(ai), key(key, "act_order", node, ai), calibration);
                        String name = template != null ? fill(template, q) : q.method() + "-" + q.type()
                                + (groupsGiven ? "-g" + q.groupSize() : "") + (q.actOrder() ? "-act" : "");
                        p.name(JsonNodeFactory.instance.textNode(name), key + ".name");
                        out.add(new VariantSpec(name, List.of(q)));
                    }
                }
            }
        }
        return out;
    }

    static String fill(String template, Step.Quantize q) {
        return template.replace("{method}", q.method()).replace("{type}", q.type())
                .replace("{group_size}", Integer.toString(q.groupSize())).replace("{act_order}", q.actOrder() ? "act" : "noact");
    }

    private static String key(String key, String field, JsonNode node, int i) {
        return node.get(field) != null && node.get(field).isArray() ? key + "." + field + "[" + i + "]" : key + "." + field;
    }

    private static List<JsonNode> values(RecipeParser p, JsonNode node, String key, String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) throw p.fail(key + "." + field, "missing");
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        if (v.isArray()) v.forEach(out::add);
        else out.add(v);
        if (out.isEmpty()) throw p.fail(key + "." + field, "empty list");
        return out;
    }
}
