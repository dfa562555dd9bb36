package dev.whittle.cli.recipe;

import java.util.Locale;

/** What a recipe measures for every variant. */
public enum Measure {
    PPL, KLD, LATENCY, MEMORY;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
