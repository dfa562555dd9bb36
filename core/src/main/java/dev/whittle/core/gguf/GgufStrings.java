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
        boolean ascii = true;
        for (byte x : b) {
            if (x < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) return new String(b, StandardCharsets.ISO_8859_1);
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
