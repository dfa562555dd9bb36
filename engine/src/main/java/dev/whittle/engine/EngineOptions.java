package dev.whittle.engine;

/**
 * How an {@link InferenceModel} runs.
 *
 * @param threads    worker threads for matmuls and attention (the caller's thread counts as one); results do
 *                   not depend on it
 * @param maxContext most positions a session may hold; 0 means the model's trained context length. The KV
 *                   cache grows on demand up to this size, so a large limit costs nothing until used.
 */
public record EngineOptions(int threads, int maxContext) {
    public EngineOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (maxContext < 0) throw new IllegalArgumentException("maxContext must be >= 0, got " + maxContext);
    }

    /** All available processors, the model's own context length. */
    public static EngineOptions defaults() {
        return new EngineOptions(Runtime.getRuntime().availableProcessors(), 0);
    }

    public EngineOptions withThreads(int n) {
        return new EngineOptions(n, maxContext);
    }

    public EngineOptions withMaxContext(int n) {
        return new EngineOptions(threads, n);
    }
}
