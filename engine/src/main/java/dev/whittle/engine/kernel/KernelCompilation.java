package dev.whittle.engine.kernel;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;

/**
 * The JVM setting the kernels need from C2, and a check that it is in effect.
 * <p>The Vector API's methods are inlined late (after parsing), one by one, and each becomes a few machine
 * instructions only if it is inlined. C2 stops inlining late once the method has more than
 * {@code LiveNodeCountInliningCutoff} (40,000) live nodes, and whatever is left stays a call into the Java
 * fallback, which allocates every vector. The larger kernels sit near that count, so whether they compiled
 * well depended on what else the JVM had compiled: in a JVM that had run every weight type, Q4_0's decode kernel
 * ({@code dot1Rows4}) took 36 µs on 1536×576 in some runs and 81, 188 or 1,030 µs in 5 of 13 others, its
 * eight accumulating FMAs left as calls ({@code -XX:+LogCompilation}). With the cutoff raised, 0 of 9 runs
 * were slow and whole-model speed was unchanged. The launcher, the test JVMs, the JMH forks and every child
 * JVM whittle starts pass {@link #JVM_FLAG}; {@code whittle bench} warns when a JVM runs without it.
 * <p>Raising the limit cannot help the other cutoff, the parse-time one (18,000 nodes, fixed in product
 * JVMs): a helper of ours called after that point is not inlined, so the kernels write their reductions out.
 */
public final class KernelCompilation {
    /** The raised limit on live nodes for C2's late inlining (a product flag: no unlocking needed). */
    public static final String JVM_FLAG = "-XX:LiveNodeCountInliningCutoff=100000";

    private static final String OPTION = "LiveNodeCountInliningCutoff";
    private static final long REQUIRED = 100_000;

    private KernelCompilation() {
    }

    /** Whether this JVM runs with {@link #JVM_FLAG} (or a higher limit); true where the option does not exist. */
    public static boolean flagActive() {
        try {
            HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hs == null || Long.parseLong(hs.getVMOption(OPTION).getValue()) >= REQUIRED;
        } catch (RuntimeException e) { // not HotSpot, or no such option: nothing to check
            return true;
        }
    }
}
