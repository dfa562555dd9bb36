package dev.whittle.reports;

/** The columns of the summary table, in display order; {@link #key} is the CSV/HTML identifier. */
public enum Column {
    VARIANT("variant", "Variant", Better.NONE),
    FORMAT("format", "Format / dtype mix", Better.NONE),
    BITS_PER_WEIGHT("bits_per_weight", "Bits/weight", Better.LOWER),
    FILE_SIZE("file_bytes", "File size", Better.LOWER),
    PPL("ppl", "PPL ± err", Better.LOWER),
    DELTA_PPL("delta_ppl_pct", "ΔPPL", Better.LOWER),
    KLD("kld_mean", "KLD", Better.LOWER),
    TOP1("same_top", "Top-1 agree", Better.HIGHER),
    PREFILL("prefill_tps", "Prefill tok/s", Better.HIGHER),
    DECODE("decode_tps", "Decode tok/s", Better.HIGHER),
    PEAK_MEMORY("peak_rss_bytes", "Peak memory", Better.LOWER);

    public final String key;
    public final String header;
    final Better better;

    Column(String key, String header, Better better) {
        this.key = key;
        this.header = header;
        this.better = better;
    }
}
