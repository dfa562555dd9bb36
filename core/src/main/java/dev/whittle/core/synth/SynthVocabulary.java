package dev.whittle.core.synth;

import dev.whittle.core.gguf.GgufType;
import dev.whittle.core.gguf.GgufValue;
import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.ModelConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A valid, if unnatural, tokenizer for synthetic models, as GGUF {@code tokenizer.ggml.*} metadata.
 * Llama-family: SentencePiece BPE with {@code <unk> <s> </s>}, the 256 byte-fallback tokens, then filler pieces;
 * any text encodes (through byte fallback). GPT-2: byte-level BPE with the 256 byte symbols, filler pieces and
 * {@code <|endoftext|>} last; any text encodes byte by byte.
 */
public final class SynthVocabulary {
    private SynthVocabulary() {}

    public static Map<String, GgufValue> ggufMetadata(ModelConfig c) {
        return c.architecture() == Architecture.GPT2 ? gpt2(c.vocabSize()) : spm(c.vocabSize(), c.bosTokenId(), c.eosTokenId());
    }

    private static Map<String, GgufValue> spm(int vocab, int bos, int eos) {
        List<String> tokens = new ArrayList<>(vocab);
        List<Float> scores = new ArrayList<>(vocab);
        List<Integer> types = new ArrayList<>(vocab);
        // Special ids sit where the preset says (1/2 for Llama 2 shapes); keep <unk> at 0.
        tokens.add("<unk>"); scores.add(0f); types.add(2);
        tokens.add("<s>"); scores.add(0f); types.add(3);
        tokens.add("</s>"); scores.add(0f); types.add(3);
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b)); scores.add(0f); types.add(6);
        }
        for (int i = 0; tokens.size() < vocab; i++) {
            tokens.add("\u2581" + filler(i)); scores.add((float) -i); types.add(1);
        }
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", GgufValue.string("llama"));
        m.put("tokenizer.ggml.tokens", GgufValue.array(GgufType.STRING, tokens));
        m.put("tokenizer.ggml.scores", GgufValue.array(GgufType.FLOAT32, scores));
        m.put("tokenizer.ggml.token_type", GgufValue.array(GgufType.INT32, types));
        m.put("tokenizer.ggml.unknown_token_id", GgufValue.uint32(0));
        m.put("tokenizer.ggml.bos_token_id", GgufValue.uint32(bos >= 0 && bos < vocab && bos <= 2 ? bos : 1));
        m.put("tokenizer.ggml.eos_token_id", GgufValue.uint32(eos >= 0 && eos < vocab && eos <= 2 ? eos : 2));
        return m;
    }

    private static Map<String, GgufValue> gpt2(int vocab) {
        List<String> tokens = new ArrayList<>(vocab);
        List<Integer> types = new ArrayList<>(vocab);
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(Character.toChars(byteSymbol(b)))); types.add(1);
        }
        for (int i = 0; tokens.size() < vocab - 1; i++) {
            tokens.add("\u0120" + filler(i)); types.add(1);
        }
        tokens.add("<|endoftext|>"); types.add(3);
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
        m.put("tokenizer.ggml.pre", GgufValue.string("gpt-2"));
        m.put("tokenizer.ggml.tokens", GgufValue.array(GgufType.STRING, tokens));
        m.put("tokenizer.ggml.token_type", GgufValue.array(GgufType.INT32, types));
        m.put("tokenizer.ggml.merges", GgufValue.array(GgufType.STRING, List.of()));
        m.put("tokenizer.ggml.bos_token_id", GgufValue.uint32(vocab - 1));
        m.put("tokenizer.ggml.eos_token_id", GgufValue.uint32(vocab - 1));
        return m;
    }

    /** GPT-2's printable stand-in for byte b (the "bytes_to_unicode" table). */
    static int byteSymbol(int b) {
        if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) return b;
        int n = 0;
        for (int x = 0; x < b; x++)
            if (!((x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF))) n++;
        return 256 + n;
    }

    /** A unique lowercase word for filler token i: a, b, ..., z, aa, ab, ... */
    static String filler(int i) {
        StringBuilder sb = new StringBuilder();
        int x = i;
        do {
            sb.append((char) ('a' + x % 26));
            x = x / 26 - 1;
        } while (x >= 0);
        return sb.reverse().toString();
    }
}
