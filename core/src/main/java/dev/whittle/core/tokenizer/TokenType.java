package dev.whittle.core.tokenizer;

/** The kind of a vocabulary entry, with the ids GGUF's {@code tokenizer.ggml.token_type} uses. */
public enum TokenType {
    UNDEFINED(0), NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

    private final int ggufId;

    TokenType(int ggufId) { this.ggufId = ggufId; }

    public int ggufId() { return ggufId; }

    /** Unknown ids map to UNDEFINED, as llama.cpp does. */
    public static TokenType fromGguf(long id) {
        for (TokenType t : values()) if (t.ggufId == id) return t;
        return UNDEFINED;
    }

    /** Control and unknown tokens are dropped by decode and never matched in plain text. */
    public boolean isSpecial() { return this == CONTROL || this == UNKNOWN; }
}
