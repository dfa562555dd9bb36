package dev.whittle.core.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** llama.cpp's own tokenizer test vectors (test-tokenizer-0), encoded without BOS/EOS. */
class GgmlVocabTest {

    /** Every case of every vocabulary with test vectors must give exactly llama.cpp's ids. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"llama-spm", "phi-3", "gpt-2", "deepseek-coder", "mpt", "falcon", "refact", "starcoder", "deepseek-llm", "bert-bge"})
    void testVectors(String name) throws Exception {
        Tokenizer tok = GgufTokenizers.fromGguf(Fixtures.vocab(name));
        List<Fixtures.Case> cases = Fixtures.ggmlVocabCases(name);
        int pass = 0;
        StringBuilder fails = new StringBuilder();
        for (Fixtures.Case c : cases) {
            int[] got = tok.encode(c.text());
            if (Arrays.equals(got, c.ids())) pass++;
            else fails.append("\n  '").append(c.text().replace("\n", "\\n")).append("' expected ")
                    .append(Arrays.toString(c.ids())).append(" got ").append(Arrays.toString(got));
        }
        System.out.println(name + ": " + pass + "/" + cases.size() + fails);
        assertEquals(cases.size(), pass, name + " failures:" + fails);
    }
}
