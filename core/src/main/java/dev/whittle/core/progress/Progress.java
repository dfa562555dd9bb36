package dev.whittle.core.progress;

/**
 * Receives progress of long work (conversion, quantization, evaluation). Library code reports; the CLI decides how
 * to show it (a bar on a terminal, plain lines in CI). Implementations must be cheap and thread-safe.
 */
public interface Progress {
    Progress NONE = new Progress() {
        @Override public void start(String task, long total) {}
        @Override public void advance(long done, String detail) {}
        @Override public void finish(String summary) {}
    };

    /** A new task with {@code total} units of work (0 if unknown). */
    void start(String task, long total);

    /** {@code done} units finished so far; {@code detail} says what (may be null). */
    void advance(long done, String detail);

    void finish(String summary);
}
