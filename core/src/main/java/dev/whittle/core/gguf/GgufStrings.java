package dev.whittle.core.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * GGUF strings are length-prefixed UTF-8, but real vocabularies sometimes hold pieces that are not valid UTF-8
 * (a lone continuation byte, half of a multi-byte character). To keep such strings as ordinary Java Strings
 * and still write them back byte for byte, undecodable bytes are "surrogate-escaped" as Python does: byte
 * {@code 0xXY} (always {@code >= 0x80}) becomes the lone low surrogate {@code U+DCXY}. Valid UTF-8 never
 * decodes to a lone surrogate, so the mapping is one to one: {@code toBytes(decode(b))} equals {@code b}
 * for every byte sequence.
 */
public final class GgufStrings {
    private GgufStrings() {}

    /** Decodes UTF-8, escaping bytes that are not part of a valid sequence as U+DC80..U+DCFF. */
    public static String decode(byte[] b) {
        if (isWellFormedUtf8(b)) return new String(b, StandardCharsets.UTF_8);
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        CharBuffer out = CharBuffer.allocate(b.length); // a byte never yields more than one char
        while (true) {
            CoderResult r = d.decode(in, out, true);
            if (r.isUnderflow()) break;
            if (r.isOverflow()) throw new IllegalStateException("UTF-8 decoding overflowed"); // cannot happen, see above
            for (int i = 0; i < r.length(); i++) {
                int x = in.get() & 0xFF;
                out.put(x < 0x80 ? (char) x : (char) (0xDC00 | x));
            }
        }
        d.flush(out);
        return out.flip().toString();
    }

    /** Whether {@code b} is well-formed UTF-8 (Unicode Table 3-7: no overlongs, surrogates or values past U+10FFFF). */
    static boolean isWellFormedUtf8(byte[] b) {
        int i = 0, n = b.length;
        while (i < n) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int len, lo = 0x80, hi = 0xBF; // allowed range of the second byte
            if (c >= 0xC2 && c <= 0xDF) len = 2;
            else if (c >= 0xE0 && c <= 0xEF) {
                len = 3;
                if (c == 0xE0) lo = 0xA0;
                if (c == 0xED) hi = 0x9F;
            } else if (c >= 0xF0 && c <= 0xF4) {
                len = 4;
                if (c == 0xF0) lo = 0x90;
                if (c == 0xF4) hi = 0x8F;
            } else return false;
            if (i + len > n) return false;
            int c1 = b[i + 1] & 0xFF;
            if (c1 < lo || c1 > hi) return false;
            for (int k = 2; k < len; k++) if ((b[i + k] & 0xC0) != 0x80) return false;
            i += len;
        }
        return true;
    }

    /**
     * Encodes to UTF-8, turning escaped bytes (lone U+DC80..U+DCFF) back into raw bytes.
     *
     * @throws IllegalArgumentException for any other lone surrogate, which has no UTF-8 encoding
     */
    public static byte[] toBytes(String s) {
        boolean plain = true;
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                plain = false;
                break;
            }
        }
        if (plain) return s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() * 3);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp >= 0xDC80 && cp <= 0xDCFF) {
                out.write(cp & 0xFF);
            } else if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                throw new IllegalArgumentException(String.format("lone surrogate U+%04X at index %d cannot be written as UTF-8", cp, i - 1));
            } else {
                out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }
}
