package dev.whittle.eval;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.lang.foreign.ValueLayout;

/**
 * Layout of a saved base-model logits file ({@code --save-base-logits F}, read back with
 * {@code --base-logits F}), so KL divergence against a large base model costs one base run.
 *
 * <p>Little-endian throughout. An 88-byte header, then one row per scored token in evaluation order.
 * <pre>
 * offset size  field
 *      0    8  magic "WHLOGPRB"
 *      8    4  u32 version (1)
 *     12    4  u32 n_vocab
 *     16    4  u32 protocol: 0 = llama.cpp, 1 = papers, 2 = papers-sliding
 *     20    4  u32 n_ctx
 *     24    4  u32 stride
 *     28    4  i32 BOS id put at the start of each chunk, or -1 for none
 *     32    8  u64 number of text tokens (the stream before any BOS)
 *     40    8  u64 number of rows (scored tokens)
 *     48   32  SHA-256 of the text tokens, each as a little-endian int32
 *     80    4  f32 floor range R in nats (24)
 *     84    4  u32 reserved, 0
 * row (16 + 2·n_vocab bytes):
 *      0    4  f32 floor: the log-probability of code 1
 *      4    4  f32 step: log-probability per code
 *      8    4  f32 base NLL of the correct token (float32, not quantised)
 *     12    4  i32 base top-1 token
 *     16  2·V  u16 code per vocabulary entry: 0 = more than R nats below the row's maximum
 *              (probability taken as 0), c ≥ 1 = log-probability floor + (c − 1)·step
 * </pre>
 * The floor is {@code max(min log p, max log p − R)} rounded down to a float and the step
 * {@code (max log p − floor)/65534} rounded up, so every kept log-probability is within {@code step/2}
 * of its code: at most {@code R/65534/2 ≈ 1.83e-4} nats. Dropped entries each have
 * {@code p < e^−24·p_top ≈ 3.8e-11·p_top}.
 *
 * <p>Size: {@code 88 + rows·(16 + 2·n_vocab)} bytes. llama.cpp's file stores
 * {@code 8 + 2·⌈n_vocab⌉_even} bytes per row plus every token of every chunk (4·n_ctx bytes per
 * {@code n_ctx/2 − 1} rows, ≈ 8 bytes per row), so this file is no larger, and unlike it keeps the
 * base top-1 exact and the base NLL to float precision. The token stream is identified by its hash instead of stored, so a run on
 * different data is refused rather than silently compared.
 */
public final class BaseLogitsFile {
    static final byte[] MAGIC = "WHLOGPRB".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER_BYTES = 88;
    static final int ROW_HEADER_BYTES = 16;
    /** Log-probabilities more than this many nats below the row's maximum are stored as code 0 (dropped). */
    public static final float FLOOR_RANGE = 24f;
    static final int MAX_CODE = 65535;

    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BaseLogitsFile() {
    }

    /** Bytes of one row for a vocabulary of {@code vocab}. */
    public static long rowBytes(int vocab) {
        return ROW_HEADER_BYTES + 2L * vocab;
    }

    /** Bytes of a whole file. */
    public static long fileBytes(int vocab, long rows) {
        return HEADER_BYTES + rows * rowBytes(vocab);
    }

    /**
     * What the file is about; a reader compares the one it expects with the one in the file.
     *
     * @param tokenSha256 SHA-256 of the text tokens (see {@link Sha256#ofTokens})
     */
    public record Header(int nVocab, String protocol, int nCtx, int stride, int bosId, long textTokens, long rows,
                         byte[] tokenSha256) {

        static Header expected(LanguageModel model, PerplexityProtocol protocol, int[] textTokens, long rows) {
            int bos = protocol.usesBos() && model.addsBos() ? model.bosId() : -1;
            return new Header(model.vocabSize(), protocol.name(), protocol.nCtx(), protocol.stride(), bos,
                    textTokens.length, rows, Sha256.ofTokens(textTokens));
        }
    }

    static int protocolCode(String name) {
        return switch (name) {
            case "llama.cpp" -> 0;
            case "papers" -> 1;
            case "papers-sliding" -> 2;
            default -> throw new IllegalArgumentException("unknown protocol " + name);
        };
    }

    static String protocolName(int code) {
        return switch (code) {
            case 0 -> "llama.cpp";
            case 1 -> "papers";
            case 2 -> "papers-sliding";
            default -> null;
        };
    }
}
