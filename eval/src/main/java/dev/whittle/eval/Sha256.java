package dev.whittle.eval;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests, streamed so multi-gigabyte weight files never sit in memory. */
public final class Sha256 {

    private Sha256() {
    }

    /** Lower-case hex SHA-256 of a file's bytes (the datasets module's streaming hash). */
    public static String ofFile(Path file) {
        return dev.whittle.datasets.Sha256.of(file);
    }

    /** SHA-256 of a token stream, each id as a little-endian int32 (the identity saved base logits refer to). */
    public static byte[] ofTokens(int[] tokens) {
        MessageDigest digest = newDigest();
        ByteBuffer buffer = ByteBuffer.allocate(4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < tokens.length; i++) {
            buffer.putInt(tokens[i]);
            if (!buffer.hasRemaining()) {
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
            }
        }
        buffer.flip();
        digest.update(buffer);
        return digest.digest();
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
