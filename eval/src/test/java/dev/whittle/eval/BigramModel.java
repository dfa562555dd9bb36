package dev.whittle.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic test model whose next-token logits depend only on the current token:
 * {@code logits(position j) = table[tokens[j]]}. Its probabilities are known in closed form, and it
 * records every call so tests can check what the evaluators gave it.
 */
final class BigramModel implements LanguageModel {
    final float[][] table;
    final boolean addsBos;
    final int bos;
    final int maxContext;
    final List<int[]> logitCalls = new ArrayList<>();
    final List<Integer> firstOutputs = new ArrayList<>();
    int prefills;
    int decodes;
    int resets;

    BigramModel(float[][] table, boolean addsBos, int bos, int maxContext) {
        this.table = table;
        this.addsBos = addsBos;
        this.bos = bos;
        this.maxContext = maxContext;
    }

    /** Row {@code a} has logit {@code hit} at {@code (a+1) mod V} and 0 elsewhere. */
    static BigramModel successor(int vocab, float hit, boolean addsBos) {
        float[][] t = new float[vocab][vocab];
        for (int a = 0; a < vocab; a++) {
            t[a][(a + 1) % vocab] = hit;
        }
        return new BigramModel(t, addsBos, 0, 1 << 16);
    }

    /** Every row is {@code row}. */
    static BigramModel constantRows(int vocab, float[] row) {
        float[][] t = new float[vocab][];
        for (int a = 0; a < vocab; a++) {
            t[a] = row.clone();
        }
        return new BigramModel(t, false, 0, 1 << 16);
    }

    /** Random logits in {@code [-spread, spread]}. */
    static BigramModel random(int vocab, float spread, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[][] t = new float[vocab][vocab];
        for (float[] row : t) {
            for (int i = 0; i < vocab; i++) {
                row[i] = (float) ((r.nextDouble() * 2 - 1) * spread);
            }
        }
        return new BigramModel(t, false, 0, 1 << 16);
    }

    @Override
    public int vocabSize() {
        return table.length;
    }

    @Override
    public boolean addsBos() {
        return addsBos;
    }

    @Override
    public int bosId() {
        return bos;
    }

    @Override
    public int maxContext() {
        return maxContext;
    }

    @Override
    public ModelSession openSession(int threads) {
        return new ModelSession() {
            @Override
            public float[] logits(int[] tokens, int firstOutput) {
                logitCalls.add(tokens.clone());
                firstOutputs.add(firstOutput);
                int v = table.length;
                float[] out = new float[(tokens.length - firstOutput) * v];
                for (int j = firstOutput; j < tokens.length; j++) {
                    System.arraycopy(table[tokens[j]], 0, out, (j - firstOutput) * v, v);
                }
                return out;
            }

            @Override
            public float[] prefill(int[] tokens) {
                prefills++;
                return table[tokens[tokens.length - 1]].clone();
            }

            @Override
            public float[] decode(int token) {
                decodes++;
                return table[token].clone();
            }

            @Override
            public void reset() {
                resets++;
            }

            @Override
            public void close() {
            }
        };
    }

    static int[] randomTokens(int vocab, int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(vocab);
        }
        return t;
    }
}
