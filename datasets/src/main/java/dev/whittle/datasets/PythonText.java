package dev.whittle.datasets;

import java.util.ArrayList;
import java.util.List;

/** The two bits of Python text semantics the HuggingFace loaders rely on, reproduced exactly. */
final class PythonText {
    private PythonText() {}

    /**
     * Lines as {@code for line in open(f, encoding="utf-8")} yields them: universal newlines ("\r\n", "\r" and
     * "\n" all end a line and are translated to "\n"), each line keeps its "\n", and a last line without a
     * terminator is kept as is. Other Unicode line separators (U+2028, U+0085 ...) do not end a line here.
     */
    static List<String> fileLines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i) + "\n");
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < n) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    /** Python's {@code s.strip() == ""}: every character is whitespace in Python's sense ({@link #isSpace}). */
    static boolean isBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Python's {@code str.isspace()} for one BMP character: bidirectional class WS, B or S, or category Zs.
     * Differs from {@link Character#isWhitespace} in counting U+00A0, U+2007, U+202F (no-break spaces) and
     * U+0085 as whitespace.
     */
    static boolean isSpace(char c) {
        return switch (c) {
            case '\t', '\n', '\u000B', '\f', '\r', '\u001C', '\u001D', '\u001E', '\u001F', ' ', '\u0085', '\u00A0',
                 '\u1680', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000' -> true;
            default -> c >= '\u2000' && c <= '\u200A';
        };
    }
}
