package dev.whittle.core;

import java.nio.file.Path;

/**
 * A model or data file that whittle cannot read: truncated, bad magic, unknown dtype, shape mismatch,
 * unsupported architecture. The message is one line naming the file, the key or tensor, and what is wrong,
 * so the CLI can print it as is.
 */
public class ModelFormatException extends RuntimeException {
    private final Path file;

    public ModelFormatException(Path file, String what) {
        super(file + ": " + what);
        this.file = file;
    }

    public ModelFormatException(Path file, String what, Throwable cause) {
        super(file + ": " + what, cause);
        this.file = file;
    }

    /** The file at fault (may be null when the input did not come from a file). */
    public Path file() {
        return file;
    }
}
