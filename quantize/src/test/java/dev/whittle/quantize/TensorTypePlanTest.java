package dev.whittle.quantize;

import dev.whittle.core.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTypePlanTest {
    /** A Llama-7B-shaped tensor list: 32 layers, hidden 4096, FFN 11008, untied output. */
    static Map<String, long[]> llama7b(boolean tied) {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("token_embd.weight", new long[] {32000, 4096});
        for (int i = 0; i < 32; i++) {
            String p = "blk." + i + ".";
            m.put(p + "attn_norm.weight", new long[] {4096});
            m.put(p + "attn_q.weight", new long[] {4096, 4096});
            m.put(p + "attn_k.weight", new long[] {4096, 4096});
            m.put(p + "attn_v.weight", new long[] {4096, 4096});
            m.put(p + "attn_output.weight", new long[] {4096, 4096});
            m.put(p + "ffn_norm.weight", new long[] {4096});
            m.put(p + "ffn_gate.weight", new long[] {11008, 4096});
            m.put(p + "ffn_up.weight", new long[] {11008, 4096});
            m.put(p + "ffn_down.weight", new long[] {4096, 11008});
        }
        m.put("output_norm.weight", new long[] {4096});
        if (!tied) m.put("output.weight", new long[] {32000, 4096});
        return m;
    }

    @Test
    void useMoreBitsPicksLlamaCppsLayers() {
        // 32 layers: 0-3, 28-31, and every third from 6 (llama.cpp's use_more_bits)
        List<Integer> picked = new ArrayList<>();
        for (int i = 0; i < 32; i++) if (TensorTypePlan.useMoreBits(i, 32)) picked.add(i);
        assertEquals(List.of(0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31), picked);
    }

    @Test
    void q4KMixOnLlama7b() {
        TensorTypePlan plan = TensorTypePlan.of(QuantPreset.Q4_K_M, llama7b(false));
        assertEquals(DType.Q6_K, plan.typeOf("output.weight"));
        assertEquals(DType.Q4_K, plan.typeOf("token_embd.weight"));
        assertEquals(DType.F32, plan.typeOf("blk.0.attn_norm.weight"));
        assertEquals(DType.Q4_K, plan.typeOf("blk.0.attn_q.weight"));
        assertEquals(DType.Q6_K, plan.typeOf("blk.0.attn_v.weight"));
        assertEquals(DType.Q4_K, plan.typeOf("blk.4.attn_v.weight"));
        assertEquals(DType.Q6_K, plan.typeOf("blk.6.attn_v.weight"));
        assertEquals(DType.Q6_K, plan.typeOf("blk.31.ffn_down.weight"));
        assertEquals(DType.Q4_K, plan.typeOf("blk.5.ffn_down.weight"));
        // 11008 is 43 × 256: ffn_down rows divide the k-quant block
        assertTrue(plan.fallbacks().isEmpty());
    }

    @Test
    void q4KSmallMixAndQ4_0() {
        TensorTypePlan s = TensorTypePlan.of(QuantPreset.Q4_K_S, llama7b(false));
        assertEquals(DType.Q5_K, s.typeOf("blk.3.attn_v.weight"));
        assertEquals(DType.Q4_K, s.typeOf("blk.4.attn_v.weight"));
        assertEquals(DType.Q5_K, s.typeOf("blk.3.ffn_down.weight"));
        assertEquals(DType.Q4_K, s.typeOf("blk.4.ffn_down.weight"));
        TensorTypePlan q40 = TensorTypePlan.of(QuantPreset.Q4_0, llama7b(true));
        // tied: the embedding is the output matrix, so it takes the output's Q6_K
        assertEquals(DType.Q6_K, q40.typeOf("token_embd.weight"));
        assertEquals(DType.Q4_0, q40.typeOf("blk.0.attn_v.weight"));
        TensorTypePlan q80 = TensorTypePlan.of(QuantPreset.Q8_0, llama7b(false));
        assertEquals(DType.Q8_0, q80.typeOf("output.weight"));
    }

    @Test
    void stories260kShapesFallBack() {
        // dim 64, FFN 172, tied: nothing divides 256, and 172 does not even divide 32
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("token_embd.weight", new long[] {512, 64});
        m.put("blk.0.attn_v.weight", new long[] {32, 64});
        m.put("blk.0.ffn_down.weight", new long[] {64, 172});
        m.put("blk.0.ffn_up.weight", new long[] {172, 64});
        TensorTypePlan km = TensorTypePlan.of(QuantPreset.Q4_K_M, m);
        assertEquals(DType.Q8_0, km.typeOf("token_embd.weight"));    // 64 % 256 != 0 → Q8_0 directly
        assertEquals(DType.Q8_0, km.typeOf("blk.0.attn_v.weight"));  // Q6_K (layer 0 of 1) → Q8_0
        assertEquals(DType.F16, km.typeOf("blk.0.ffn_down.weight")); // Q6_K → Q8_0 → 172 % 32 → F16
        assertEquals(DType.Q5_0, km.typeOf("blk.0.ffn_up.weight"));  // Q4_K → Q5_0
        assertNull(km.entries().get("token_embd.weight").fallback());
        assertEquals(3, km.fallbacks().size());
        TensorTypePlan q40 = TensorTypePlan.of(QuantPreset.Q4_0, m);
        assertEquals(DType.Q8_0, q40.typeOf("token_embd.weight")); // Q6_K → Q8_0
        assertEquals(DType.Q4_0, q40.typeOf("blk.0.ffn_up.weight"));
        assertEquals(DType.F16, q40.typeOf("blk.0.ffn_down.weight"));
        assertTrue(q40.fallbacks().get(1).contains("blk.0.ffn_down.weight"), q40.fallbacks().toString());
    }
}
