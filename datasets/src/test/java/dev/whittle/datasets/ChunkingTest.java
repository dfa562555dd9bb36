package dev.whittle.datasets;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ChunkingTest {
    private static final int BOS = 1;

    private static int[] stream(int n) {
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = 1000 + i; // distinct and never equal to BOS
        }
        return s;
    }

    @Test
    void nonOverlappingCountsAndBoundaries() {
        int[] s = stream(1000);
        TokenChunks chunks = new TokenChunks(s, ChunkSpec.nonOverlapping(128, BosPolicy.NONE), BOS);
        assertEquals(7, chunks.size()); // floor(1000 / 128)
        assertEquals(1000 - 7 * 128, chunks.uncoveredTail());
        for (Chunk c : chunks) {
            assertEquals(c.index() * 128, c.streamStart());
            assertEquals(0, c.newFrom());
            assertArrayEquals(Arrays.copyOfRange(s, c.streamStart(), c.streamStart() + 128), c.tokens());
        }
    }

    @Test
    void prependedBosKeepsChunksNCtxLongAndConsumesNCtxMinusOne() {
        int[] s = stream(1000);
        TokenChunks chunks = new TokenChunks(s, ChunkSpec.nonOverlapping(128, BosPolicy.PREPEND), BOS);
        assertEquals(7, chunks.size()); // floor(1000 / 127)
        assertEquals(1000 - 7 * 127, chunks.uncoveredTail());
        for (Chunk c : chunks) {
            assertEquals(128, c.tokens().length);
            assertEquals(BOS, c.tokens()[0]);
            assertEquals(c.index() * 127, c.streamStart());
            assertEquals(1, c.newFrom());
            assertArrayEquals(Arrays.copyOfRange(s, c.streamStart(), c.streamStart() + 127),
                    Arrays.copyOfRange(c.tokens(), 1, 128));
            assertEquals(1, Arrays.stream(c.tokens()).filter(t -> t == BOS).count());
        }
    }

    @Test
    void replaceFirstIsLlamaCppPerplexityLayout() {
        int[] s = stream(1000);
        TokenChunks chunks = new TokenChunks(s, ChunkSpec.nonOverlapping(128, BosPolicy.REPLACE_FIRST), BOS);
        assertEquals(7, chunks.size());
        Chunk c = chunks.get(3);
        assertEquals(384, c.streamStart());
        assertEquals(BOS, c.tokens()[0]);
        assertArrayEquals(Arrays.copyOfRange(s, 385, 512), Arrays.copyOfRange(c.tokens(), 1, 128));
        assertEquals(1000 + 384, s[384], "the stream itself is never modified");
    }

    @Test
    void stridedWindowsOverlapAndMarkNewTokens() {
        int[] s = stream(1000);
        TokenChunks chunks = new TokenChunks(s, new ChunkSpec(256, 64, BosPolicy.NONE), BOS);
        assertEquals(1 + (1000 - 256) / 64, chunks.size()); // 12
        assertEquals(12, chunks.size());
        assertEquals(1000 - (11 * 64 + 256), chunks.uncoveredTail());
        assertEquals(0, chunks.get(0).newFrom());
        for (int i = 1; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            assertEquals(i * 64, c.streamStart());
            assertEquals(256 - 64, c.newFrom());
            // the first new token is the one right after the previous window
            Chunk prev = chunks.get(i - 1);
            assertEquals(s[prev.streamStart() + 256], c.tokens()[c.newFrom()]);
        }
        TokenChunks withBos = new TokenChunks(s, new ChunkSpec(256, 64, BosPolicy.PREPEND), BOS);
        assertEquals(1 + (1000 - 255) / 64, withBos.size());
        Chunk c = withBos.get(2);
        assertEquals(128, c.streamStart());
        assertEquals(1 + 255 - 64, c.newFrom());
        assertEquals(s[64 + 255], c.tokens()[c.newFrom()]);
    }

    @Test
    void countFormulaMatchesEnumeration() {
        for (BosPolicy bos : BosPolicy.values()) {
            for (int nCtx = 2; nCtx <= 9; nCtx++) {
                int content = nCtx - (bos == BosPolicy.PREPEND ? 1 : 0);
                for (int stride = 1; stride <= content; stride++) {
                    for (int len = 0; len <= 40; len++) {
                        int expected = 0;
                        for (int start = 0; start + content <= len; start += stride) {
                            expected++;
                        }
                        ChunkSpec spec = new ChunkSpec(nCtx, stride, bos);
                        assertEquals(expected, spec.count(len), spec + " len " + len);
                        TokenChunks chunks = new TokenChunks(stream(len), spec, BOS);
                        for (Chunk c : chunks) {
                            assertEquals(nCtx, c.tokens().length);
                            assertTrue(c.streamStart() + content <= len);
                        }
                        int tail = chunks.uncoveredTail();
                        assertTrue(tail >= 0 && (expected == 0 ? tail == len : tail < stride), spec + " tail " + tail);
                    }
                }
            }
        }
    }

    @Test
    void byteLevelWikitextChunkCount() {
        int[] tokens = TokenStreams.wholeText(DatasetRegistry.resolve("wikitext2-test", Fixtures.datasets()).source(),
                new ByteTokenizer(), Tokenization.WHOLE);
        assertEquals(1_290_590, tokens.length); // one id per byte of wiki.test.raw
        assertEquals(2520, new TokenChunks(tokens, ChunkSpec.nonOverlapping(512, BosPolicy.REPLACE_FIRST), 1).size());
        assertEquals(2525, new TokenChunks(tokens, ChunkSpec.nonOverlapping(512, BosPolicy.PREPEND), 1).size());
    }

    @Test
    void misuseIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ChunkSpec(1, 1, BosPolicy.PREPEND));
        assertThrows(IllegalArgumentException.class, () -> new ChunkSpec(8, 9, BosPolicy.NONE));
        assertThrows(IllegalArgumentException.class, () -> new ChunkSpec(8, 8, BosPolicy.PREPEND));
        assertThrows(IllegalArgumentException.class, () -> new ChunkSpec(8, 0, BosPolicy.NONE));
        assertThrows(IllegalArgumentException.class,
                () -> new TokenChunks(stream(10), ChunkSpec.nonOverlapping(4, BosPolicy.PREPEND), -1));
        assertEquals(List.of(), new TokenChunks(stream(3), ChunkSpec.nonOverlapping(4, BosPolicy.NONE), -1));
    }
}
