package dev.whittle.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading HotSpot's compilerQueue text: only C2's work on whittle's own methods keeps a warm-up going. */
class JitActivityTest {
    private static final String QUIET = """
            Current compiles:\s
            C2 CompilerThread0  2906   !   4       java.util.Formatter::format (271 bytes)
            C1 CompilerThread0  2907       3       dev.whittle.engine.Session::scoreScale (15 bytes)

            C1 compile queue:
            2910       3       dev.whittle.engine.KvCache::keys (7 bytes)

            C2 compile queue:
            2911       4       java.lang.StringBuilder::append (8 bytes)
            """;

    @Test
    void c1WorkAndOtherCodeDoNotCount() {
        assertFalse(JitActivity.c2MentionsOwnCode(QUIET));
        assertFalse(JitActivity.c2MentionsOwnCode("Current compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\nEmpty\n"));
    }

    @Test
    void ownMethodInFlightOnC2Counts() {
        assertTrue(JitActivity.c2MentionsOwnCode(QUIET.replace("java.util.Formatter::format", "dev.whittle.engine.Session::layer")));
    }

    @Test
    void ownMethodQueuedForC2Counts() {
        assertTrue(JitActivity.c2MentionsOwnCode(QUIET + "2912       4       dev.whittle.engine.KernelProjection::lambda$applyAll$0 (112 bytes)\n"));
    }

    @Test
    void thisJvmReportsItsQueuesInTheFormatParsed() {
        String queue = JitActivity.compilerQueue();
        assertTrue(queue != null && queue.contains("Current compiles:") && queue.contains("C2 compile queue:"), String.valueOf(queue));
    }
}
