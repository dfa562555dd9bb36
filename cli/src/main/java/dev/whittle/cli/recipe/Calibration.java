package dev.whittle.cli.recipe;

/** Calibration data for GPTQ/AWQ: {@code samples} windows of {@code seqLen} tokens drawn from {@code dataset} with {@code seed}. */
public record Calibration(String dataset, int samples, int seqLen, long seed) {
    public String canonical() {
        return "(dataset=" + dataset + ",samples=" + samples + ",seq_len=" + seqLen + ",seed=" + seed + ")";
    }
}
