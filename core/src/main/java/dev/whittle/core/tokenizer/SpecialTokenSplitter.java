package dev.whittle.core.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Cuts user-defined tokens out of plain text before the model's algorithm runs, as llama.cpp does when
 * it tokenizes without parsing special tokens: control and unknown tokens stay plain text, user-defined
 * ones (e.g. GPT-NeoX's runs of spaces) are matched literally, longest first.
 */
final class SpecialTokenSplitter {
    /** A piece of the input: raw text ({@code token < 0}) or a matched token. */
    record Fragment(String text, int token) {
        boolean isText() { return token < 0; }
    }

    private final int[] ids;       // longest first
    private final String[] texts;
    private final boolean[] rstrip;

    /** @param rstripIds tokens after which whitespace is swallowed (llama.cpp's phi-3 rule) */
    SpecialTokenSplitter(Vocabulary vocab, Set<Integer> rstripIds) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < vocab.size(); i++) if (vocab.type(i) == TokenType.USER_DEFINED) list.add(i);
        list.sort(Comparator.comparingInt((Integer i) -> -vocab.token(i).length()).thenComparingInt(i -> i));
        ids = list.stream().mapToInt(Integer::intValue).toArray();
        texts = new String[ids.length];
        rstrip = new boolean[ids.length];
        for (int k = 0; k < ids.length; k++) {
            texts[k] = vocab.token(ids[k]);
            rstrip[k] = rstripIds.contains(ids[k]);
        }
    }

    boolean isEmpty() { return ids.length == 0; }

    List<Fragment> split(String text) {
        List<Fragment> frags = new ArrayList<>();
        if (text.isEmpty()) return frags;
        frags.add(new Fragment(text, -1));
        for (int k = 0; k < ids.length; k++) {
            String tok = texts[k];
            List<Fragment> next = new ArrayList<>(frags.size());
            for (Fragment f : frags) {
                if (!f.isText() || !f.text().contains(tok)) {
                    next.add(f);
                    continue;
                }
                String s = f.text();
                int from = 0;
                while (from < s.length()) {
                    int at = s.indexOf(tok, from);
                    if (at < 0) {
                        next.add(new Fragment(s.substring(from), -1));
                        break;
                    }
                    if (at > from) next.add(new Fragment(s.substring(from, at), -1));
                    next.add(new Fragment(tok, ids[k]));
                    from = at + tok.length();
                    if (rstrip[k]) while (from < s.length() && isAsciiSpace(s.charAt(from))) from++;
                }
            }
            frags = next;
        }
        return frags;
    }

    private static boolean isAsciiSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == '\f';
    }
}
