package dev.whittle.datasets;

import java.util.AbstractList;
import java.util.RandomAccess;

/** A token stream seen as a list of {@link Chunk}s, built on demand (the stream is not copied). */
public final class TokenChunks extends AbstractList<Chunk> implements RandomAccess {
    private final int[] stream;
    private final ChunkSpec spec;
    private final int bosId;
    private final int count;

    /** {@code bosId} is only used (and must be >= 0) when the spec's BOS policy is not NONE. */
    public TokenChunks(int[] stream, ChunkSpec spec, int bosId) {
        if (spec.bos() != BosPolicy.NONE && bosId < 0) {
            throw new IllegalArgumentException("BOS policy " + spec.bos() + " needs a BOS id, but the tokenizer has none");
        }
        this.stream = stream;
        this.spec = spec;
        this.bosId = bosId;
        this.count = spec.count(stream.length);
    }

    public ChunkSpec spec() {
        return spec;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public Chunk get(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("chunk " + index + " of " + count);
        }
        int start = index * spec.stride();
        int content = spec.contentLength();
        int[] tokens = new int[spec.nCtx()];
        int offset = spec.bos() == BosPolicy.PREPEND ? 1 : 0;
        System.arraycopy(stream, start, tokens, offset, content);
        if (spec.bos() != BosPolicy.NONE) {
            tokens[0] = bosId;
        }
        int overlap = index == 0 ? 0 : content - spec.stride();
        return new Chunk(index, start, offset + overlap, tokens);
    }

    /** Stream tokens after the last full window (not evaluated); the whole stream if there is no window. */
    public int uncoveredTail() {
        if (count == 0) {
            return stream.length;
        }
        return stream.length - ((count - 1) * spec.stride() + spec.contentLength());
    }
}
