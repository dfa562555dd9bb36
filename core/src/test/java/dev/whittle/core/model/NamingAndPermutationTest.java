package dev.whittle.core.model;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class NamingAndPermutationTest {
    @Test
    void llamaNamesRoundTrip() {
        for (String g : List.of("token_embd.weight", "output_norm.weight", "output.weight", "blk.0.attn_q.weight",
                "blk.11.attn_k.bias", "blk.3.attn_v.weight", "blk.3.attn_output.weight", "blk.3.attn_norm.weight",
                "blk.3.ffn_norm.weight", "blk.3.ffn_gate.weight", "blk.3.ffn_up.weight", "blk.3.ffn_down.weight")) {
            String hf = TensorNaming.ggufToHf(g, Architecture.LLAMA).orElseThrow();
            assertEquals(g, TensorNaming.hfToGguf(hf, Architecture.LLAMA).orElseThrow());
        }
        assertEquals("model.layers.11.self_attn.k_proj.bias", TensorNaming.ggufToHf("blk.11.attn_k.bias", Architecture.QWEN2).orElseThrow());
        assertEquals("model.embed_tokens.weight", TensorNaming.ggufToHf("token_embd.weight", Architecture.LLAMA).orElseThrow());
        assertTrue(TensorNaming.ggufToHf("blk.0.unknown.weight", Architecture.LLAMA).isEmpty());
    }

    @Test
    void gpt2NamesRoundTripAndPrefixIsDropped() {
        assertEquals("h.2.attn.c_attn.weight", TensorNaming.ggufToHf("blk.2.attn_qkv.weight", Architecture.GPT2).orElseThrow());
        assertEquals("blk.2.attn_qkv.bias", TensorNaming.hfToGguf("transformer.h.2.attn.c_attn.bias", Architecture.GPT2).orElseThrow());
        assertEquals("position_embd.weight", TensorNaming.hfToGguf("wpe.weight", Architecture.GPT2).orElseThrow());
        assertTrue(TensorNaming.isGpt2Conv1dWeight("h.0.mlp.c_proj.weight"));
        assertFalse(TensorNaming.isGpt2Conv1dWeight("h.0.mlp.c_proj.bias"));
    }

    @Test
    void permutationMatchesLlamaCppFormula() {
        // head_dim 4: GGUF rows (0,1,2,3) hold HF rows (0,2,1,3): pairs (x0,x2),(x1,x3) become adjacent.
        assertEquals(0, QkPermutation.hfRowForGgufRow(0, 4));
        assertEquals(2, QkPermutation.hfRowForGgufRow(1, 4));
        assertEquals(1, QkPermutation.hfRowForGgufRow(2, 4));
        assertEquals(3, QkPermutation.hfRowForGgufRow(3, 4));
        assertEquals(4 + 2, QkPermutation.hfRowForGgufRow(5, 4)); // second head
        // head_dim 8: GGUF row 2i+j ← HF row j*4+i
        int[] expect = {0, 4, 1, 5, 2, 6, 3, 7};
        for (int g = 0; g < 8; g++) assertEquals(expect[g], QkPermutation.hfRowForGgufRow(g, 8));
    }

    @Test
    void permutationIsInvertibleAndMovesWholeRows() {
        try (Arena arena = Arena.ofConfined()) {
            int rows = 24, cols = 3; // 3 heads of 8
            MemorySegment m = arena.allocate((long) rows * cols * 4);
            for (int i = 0; i < rows * cols; i++) m.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
            Tensor t = new Tensor("q", new long[] {rows, cols}, DType.F32, m);
            Tensor g = QkPermutation.hfToGguf(t, 3, arena);
            Tensor back = QkPermutation.ggufToHf(g, 3, arena);
            assertEquals(-1, back.data().mismatch(m));
            // GGUF row 1 of head 1 (row 9) holds HF row 8 + 4 = 12 → first element 12 * cols.
            assertEquals(12f * cols, g.data().getAtIndex(ValueLayout.JAVA_FLOAT, 9L * cols));
            assertThrows(IllegalArgumentException.class, () -> QkPermutation.hfToGguf(t, 5, arena));
        }
    }

    @Test
    void onlyGgufLlamaInterleavesQkRows() {
        // llama.cpp permutes Q/K for its llama architecture (interleaved RoPE); qwen2 uses NeoX RoPE and keeps HF order.
        ModelConfig llama = new ModelConfig(Architecture.LLAMA, 64, 1, 8, 4, 8, 128, 100, 64, 10000, RopeScaling.NONE,
                1e-5, false, false, false, "silu", 0, 1, 2);
        ModelConfig qwen = new ModelConfig(Architecture.QWEN2, 64, 1, 8, 4, 8, 128, 100, 64, 10000, RopeScaling.NONE,
                1e-5, false, true, false, "silu", 0, 1, 2);
        assertEquals(8, QkPermutation.ggufInterleavedHeads(llama, "model.layers.0.self_attn.q_proj.weight"));
        assertEquals(4, QkPermutation.ggufInterleavedHeads(llama, "model.layers.0.self_attn.k_proj.bias"));
        assertEquals(0, QkPermutation.ggufInterleavedHeads(llama, "model.layers.0.self_attn.v_proj.weight"));
        assertEquals(0, QkPermutation.ggufInterleavedHeads(qwen, "model.layers.0.self_attn.q_proj.weight"));
        assertEquals(0, QkPermutation.ggufInterleavedHeads(qwen, "model.layers.0.self_attn.k_proj.weight"));
    }
}
