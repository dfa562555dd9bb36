package dev.whittle.quantize;

import dev.whittle.core.tensor.DType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The type of every tensor of a quantized file, chosen as llama.cpp's {@code llama-quant.cpp} does for the standard
 * (non-imatrix, non-MoE) file types:
 * <ul>
 *   <li>only matrices (rank ≥ 2) whose name ends in {@code weight} and is not a norm are quantized; the rest is F32;</li>
 *   <li>{@code output.weight}, and {@code token_embd.weight} when the embeddings are tied (no output tensor), get Q6_K
 *       (Q8_0 stays Q8_0; Q8_0 too when the row length does not divide the default type's block);</li>
 *   <li>Q4_K_M / Q5_K_M: {@code attn_v} and {@code ffn_down} of the layers picked by {@link #useMoreBits} get Q6_K;
 *       Q4_K_S: the first 4 {@code attn_v} and the first n/8 {@code ffn_down} get Q5_K;</li>
 *   <li>a row length the chosen type's block does not divide falls back: Q4_K → Q5_0, Q5_K → Q5_1, Q6_K → Q8_0, and
 *       F16 when even that does not divide. llama.cpp aborts for the 32-element types (Q4_0 ... Q8_0); whittle
 *       writes F16 there too and reports it.</li>
 * </ul>
 * Rules llama.cpp keys on model families whittle does not run (Falcon, 70B attn_v, 8-expert MoE) are left out.
 */
public final class TensorTypePlan {
    /** One tensor's decision. {@code fallback} is null unless the shape forced a different type. */
    public record Entry(String ggufName, long[] shape, DType type, String fallback) {}

    private final Map<String, Entry> entries;
    private final List<String> fallbacks;

    private TensorTypePlan(Map<String, Entry> entries, List<String> fallbacks) {
        this.entries = Collections.unmodifiableMap(entries);
        this.fallbacks = List.copyOf(fallbacks);
    }

    /**
     * @param tensors GGUF tensor name → shape (outermost first), in the order the file lists them (the per-layer
     *                counters of the mixes follow that order)
     */
    public static TensorTypePlan of(QuantPreset preset, Map<String, long[]> tensors) {
        boolean tied = !tensors.containsKey("output.weight");
        int nAttnV = 0;
        int nFfnDown = 0;
        for (String n : tensors.keySet()) {
            if (n.contains("attn_v.weight") || n.contains("attn_qkv.weight")) nAttnV++;
            if (n.contains("ffn_down")) nFfnDown++;
        }
        int iAttnV = 0;
        int iFfnDown = 0;
        Map<String, Entry> out = new LinkedHashMap<>();
        List<String> fallbacks = new ArrayList<>();
        for (var e : tensors.entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            if (!quantizable(name, shape)) {
                out.put(name, new Entry(name, shape, DType.F32, null));
                continue;
            }
            long cols = shape[shape.length - 1];
            DType t = preset.defaultType();
            if (name.equals("output.weight") || (tied && name.equals("token_embd.weight"))) {
                if (cols % t.blockSize() != 0) t = DType.Q8_0;
                else if (t != DType.Q8_0) t = DType.Q6_K;
            } else if (name.contains("attn_v.weight") || name.contains("attn_qkv.weight")) {
                if ((preset == QuantPreset.Q4_K_M || preset == QuantPreset.Q5_K_M) && useMoreBits(iAttnV, nAttnV)) t = DType.Q6_K;
                else if (preset == QuantPreset.Q4_K_S && iAttnV < 4) t = DType.Q5_K;
                iAttnV++;
            } else if (name.contains("ffn_down")) {
                if ((preset == QuantPreset.Q4_K_M || preset == QuantPreset.Q5_K_M) && useMoreBits(iFfnDown, nFfnDown)) t = DType.Q6_K;
                else if (preset == QuantPreset.Q4_K_S && iFfnDown < nFfnDown / 8) t = DType.Q5_K;
                iFfnDown++;
            }
            String why = null;
            if (cols % t.blockSize() != 0) {
                DType chosen = t;
                t = switch (t) {
                    case Q4_K -> DType.Q5_0;
                    case Q5_K -> DType.Q5_1;
                    case Q6_K -> DType.Q8_0;
                    default -> DType.F16;
                };
                if (cols % t.blockSize() != 0) t = DType.F16;
                why = name + ": row length " + cols + " is not a multiple of " + chosen + "'s block of "
                        + chosen.blockSize() + ", written as " + t;
                fallbacks.add(why);
            }
            out.put(name, new Entry(name, shape, t, why));
        }
        return new TensorTypePlan(out, fallbacks);
    }

    /** llama.cpp's choice of layers that get more bits in the _M mixes: the first and last eighth, and every third between. */
    public static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /** llama.cpp's {@code tensor_allows_quantization} for the tensors whittle's models have. */
    static boolean quantizable(String ggufName, long[] shape) {
        if (shape.length < 2) return false;
        if (!ggufName.endsWith("weight")) return false;
        if (ggufName.contains("_norm.weight")) return false;
        return !ggufName.equals("position_embd.weight") && !ggufName.equals("token_types.weight");
    }

    public DType typeOf(String ggufName) {
        Entry e = entries.get(ggufName);
        if (e == null) throw new IllegalArgumentException("no tensor " + ggufName + " in the plan");
        return e.type();
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /** One line per tensor whose shape forced a fallback type (llama-quantize's warnings). */
    public List<String> fallbacks() {
        return fallbacks;
    }
}
