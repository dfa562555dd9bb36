package dev.whittle.eval;

/**
 * What sizes a KV cache: {@code layers} layers each caching a key and a value of {@code kvDim}
 * elements ({@code n_kv_heads × head_dim}) per position, {@code bytesPerElement} bytes each
 * (4 for F32, 2 for F16/BF16, fractional for quantised caches, e.g. 34/32 for Q8_0).
 */
public record KvCacheShape(int layers, int kvDim, double bytesPerElement) {
    public KvCacheShape {
        if (layers < 1 || kvDim < 1 || !(bytesPerElement > 0)) {
            throw new IllegalArgumentException("bad KV cache shape: layers " + layers + ", kv_dim " + kvDim
                    + ", bytes/element " + bytesPerElement);
        }
    }

    /** {@code 2 × layers × ctx × kv_dim × bytes per element × batch}, rounded up to whole bytes. */
    public long bytes(long ctx, int batch) {
        return (long) Math.ceil(2.0 * layers * ctx * kvDim * bytesPerElement * batch);
    }
}
