package dev.whittle.core.gguf;

/** Metadata value types of the GGUF format, with their on-disk ids. */
public enum GgufType {
    UINT8(0, 1), INT8(1, 1), UINT16(2, 2), INT16(3, 2), UINT32(4, 4), INT32(5, 4), FLOAT32(6, 4), BOOL(7, 1),
    STRING(8, 8), ARRAY(9, 12), UINT64(10, 8), INT64(11, 8), FLOAT64(12, 8);

    private final int id;
    /** Smallest encoded size of one value: bounds array lengths against the bytes left in the file. */
    private final int minBytes;

    GgufType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    public int id() { return id; }

    int minBytes() { return minBytes; }

    public static GgufType fromId(long id) {
        for (GgufType t : values()) if (t.id == id) return t;
        return null;
    }
}
