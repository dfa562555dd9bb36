package dev.whittle.eval;

/** The version recorded in Results files. */
public final class WhittleVersion {
    public static final String VERSION = "0.1.0";

    private WhittleVersion() {}
}
