package dev.whittle.datasets;

import dev.whittle.core.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Test-only tokenizer: one id per UTF-8 byte (id = byte + 3), BOS 1, EOS 2. Exact and context-free. */
class ByteTokenizer implements Tokenizer {
    static final int OFFSET = 3;

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = (bytes[i] & 0xff) + OFFSET;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        byte[] bytes = new byte[ids.length];
        int n = 0;
        for (int id : ids) {
            if (id >= OFFSET) {
                bytes[n++] = (byte) (id - OFFSET);
            }
        }
        return new String(Arrays.copyOf(bytes, n), StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return 256 + OFFSET;
    }

    @Override
    public int bosId() {
        return 1;
    }

    @Override
    public int eosId() {
        return 2;
    }

    @Override
    public String kind() {
        return "test-bytes";
    }
}
