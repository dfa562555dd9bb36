package dev.whittle.datasets;

/**
 * A dataset that is missing, cannot be downloaded, or failed verification. The message is one line that
 * names the dataset or file and says what to do, so the CLI can print it as is. Malformed file contents are
 * reported with {@link dev.whittle.core.ModelFormatException} instead.
 */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
