package dev.whittle.datasets;

import dev.whittle.core.tokenizer.Tokenizer;

import java.util.List;

/** Draws reproducible calibration sets (see {@link CalibrationStyle}); the only randomness is {@link SeededRandom}. */
public final class CalibrationSampler {
    private CalibrationSampler() {}

    /** GPTQ style from a named dataset: its documents ({@link TokenStreams#documents}) tokenized whole. */
    public static CalibrationSet sample(ResolvedDataset dataset, Tokenizer tokenizer, int samples, int seqLen,
                                       long seed) {
        return sample(dataset, tokenizer, samples, seqLen, seed, CalibrationStyle.GPTQ);
    }

    public static CalibrationSet sample(ResolvedDataset dataset, Tokenizer tokenizer, int samples, int seqLen,
                                        long seed, CalibrationStyle style) {
        return sample(dataset, tokenizer, Tokenization.WHOLE, samples, seqLen, seed, style);
    }

    /** As above, tokenizing single-stream datasets with {@code mode} (see {@link Tokenization} on pieces). */
    public static CalibrationSet sample(ResolvedDataset dataset, Tokenizer tokenizer, Tokenization mode, int samples,
                                        int seqLen, long seed, CalibrationStyle style) {
        List<int[]> documents = TokenStreams.documents(dataset, tokenizer, mode);
        return sample(dataset.name(), dataset.sha256(), documents, samples, seqLen, seed, style);
    }

    /** Samples from already tokenized documents; {@code name} and {@code sha256} are recorded as given. */
    public static CalibrationSet sample(String name, String sha256, List<int[]> documents, int samples, int seqLen,
                                        long seed, CalibrationStyle style) {
        if (samples < 1 || seqLen < 1) {
            throw new IllegalArgumentException("need samples >= 1 and seqLen >= 1, got " + samples + " and " + seqLen);
        }
        return switch (style) {
            case GPTQ -> gptq(name, sha256, documents, samples, seqLen, seed);
            case AWQ -> awq(name, sha256, documents, samples, seqLen, seed);
        };
    }

    private static CalibrationSet gptq(String name, String sha256, List<int[]> documents, int samples, int seqLen,
                                       long seed) {
        int eligibleCount = 0;
        int longest = 0;
        for (int[] doc : documents) {
            longest = Math.max(longest, doc.length);
            if (doc.length >= seqLen) {
                eligibleCount++;
            }
        }
        if (eligibleCount == 0) {
            throw new IllegalArgumentException(name + ": no document has " + seqLen + " tokens (longest has "
                    + longest + " of " + documents.size() + " documents); use a shorter sequence length");
        }
        int[] eligible = new int[eligibleCount];
        for (int i = 0, k = 0; i < documents.size(); i++) {
            if (documents.get(i).length >= seqLen) {
                eligible[k++] = i;
            }
        }
        SeededRandom random = new SeededRandom(seed);
        int[][] tokens = new int[samples][];
        int[] docs = new int[samples];
        int[] starts = new int[samples];
        for (int s = 0; s < samples; s++) {
            int d = eligible[random.nextInt(eligibleCount)];
            int[] doc = documents.get(d);
            int start = random.nextInt(doc.length - seqLen + 1);
            tokens[s] = java.util.Arrays.copyOfRange(doc, start, start + seqLen);
            docs[s] = d;
            starts[s] = start;
        }
        return new CalibrationSet(name, sha256, seed, CalibrationStyle.GPTQ, tokens, docs, starts);
    }

    private static CalibrationSet awq(String name, String sha256, List<int[]> documents, int samples, int seqLen,
                                      long seed) {
        long needed = (long) samples * seqLen;
        long total = documents.stream().mapToLong(d -> d.length).sum();
        if (total < needed) {
            throw new IllegalArgumentException(name + ": " + samples + " blocks of " + seqLen + " need " + needed
                    + " tokens, the documents have " + total);
        }
        // Fisher-Yates with the seeded generator, then concatenate only as much as is needed.
        int[] order = new int[documents.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SeededRandom random = new SeededRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        IntList concatenated = new IntList();
        for (int i = 0; i < order.length && concatenated.size() < needed; i++) {
            int[] doc = documents.get(order[i]);
            concatenated.addRange(doc, 0, (int) Math.min(doc.length, needed - concatenated.size()));
        }
        int[] all = concatenated.toArray();
        int[][] tokens = new int[samples][];
        int[] docs = new int[samples];
        int[] starts = new int[samples];
        for (int s = 0; s < samples; s++) {
            tokens[s] = java.util.Arrays.copyOfRange(all, s * seqLen, (s + 1) * seqLen);
            docs[s] = -1;
            starts[s] = s * seqLen;
        }
        return new CalibrationSet(name, sha256, seed, CalibrationStyle.AWQ, tokens, docs, starts);
    }
}
