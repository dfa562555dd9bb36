package dev.whittle.engine.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The kernels' vector operations compile to instructions, not calls, in a JVM that has compiled every kernel
 * ({@link KernelCompilation}): read from C2's own compilation log, not from timings.
 */
class KernelCompilationTest {
    /** The loops that carry the work: the per-type dot products and decoders, and the prefill micro-kernels. */
    private static final Pattern HOT = Pattern.compile(".*Kernel::(dot1|dot1Rows2|dot1Rows4|dot4|decodeRow|widen4)|PanelGemm::kernel.*");

    @Test
    void thisJvmHasTheRaisedLimit() {
        assertTrue(KernelCompilation.flagActive(), "surefire's argLine lacks " + KernelCompilation.JVM_FLAG);
    }

    @Test
    void readsVectorOperationsLeftAsCalls() throws IOException {
        String log = """
                <task compile_id='7' method='dev.whittle.engine.kernel.Q4_0Kernel dot1Rows4 (J)V' bytes='878' count='1'>
                <klass id='1' name='jdk.internal.vm.vector.VectorSupport' flags='1'/>
                <method id='2' holder='1' name='ternaryOp' return='3'/>
                <klass id='4' name='dev.whittle.engine.kernel.KernelSpecies' flags='1'/>
                <method id='5' holder='4' name='sum' return='3'/>
                <klass id='6' name='jdk.internal.misc.Unsafe' flags='1'/>
                <method id='7' holder='6' name='convEndian' return='3'/>
                <late_inline method='2'  inline_id='100'>
                </late_inline>
                <intrinsic id='_VectorTernaryOp' nodes='21'/>
                <late_inline method='2'  inline_id='101'>
                </late_inline>
                <late_inline method='2'  inline_id='101'>
                </late_inline>
                <call method='5' count='4' prof_factor='1.000000' inline='1'/>
                <inline_fail reason='NodeCountInliningCutoff'/>
                <call method='7' count='4' prof_factor='1.000000' inline='1'/>
                <inline_fail reason='NodeCountInliningCutoff'/>
                </task>
                <task compile_id='8' method='dev.whittle.engine.kernel.Q4_0Kernel dot1Rows4 (J)V' bytes='878' level='3'>
                </task>
                <task compile_id='9' compile_kind='osr' method='dev.whittle.engine.kernel.Q4_0Kernel dot4 (J)V' bytes='9'>
                </task>
                """;
        Map<String, CompilationLog.Compile> c = CompilationLog.read(new StringReader(log), "dev.whittle.engine.kernel.");
        assertEquals(List.of("Q4_0Kernel::dot1Rows4"), List.copyOf(c.keySet()), "C1 and OSR compiles are skipped");
        CompilationLog.Compile d = c.get("Q4_0Kernel::dot1Rows4");
        assertEquals(2, d.vectorCalls());
        assertEquals(1, d.intrinsics());
        assertEquals(1, d.leftAsCalls());
        assertEquals(1, d.nodeCutoffs(), "only our own helpers count");
    }

    @Test
    void everyKernelLoopCompilesToVectorInstructions(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("compilation.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", KernelCompilation.JVM_FLAG,
                "-XX:+UnlockDiagnosticVMOptions", "-XX:+LogCompilation", "-XX:LogFile=" + log,
                "-cp", System.getProperty("java.class.path"), KernelJitWorkout.class.getName(), "0.8"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertEquals(0, p.waitFor(), () -> "workout failed: " + read(dir.resolve("out.txt")));
        Map<String, CompilationLog.Compile> compiles;
        try (var r = Files.newBufferedReader(log)) {
            compiles = CompilationLog.read(r, "dev.whittle.engine.kernel.");
        }
        // Cut off late inlining (the failure the JVM flag prevents) leaves 6-12 of a kernel's vector operations
        // as calls; with the flag, 1 in about 10 runs still leaves one cold operation of Q6_K's decode uncompiled.
        List<String> bad = new ArrayList<>();
        for (CompilationLog.Compile c : compiles.values()) {
            if (HOT.matcher(c.method()).matches() && (c.leftAsCalls() > 1 || c.nodeCutoffs() > 0)) bad.add(c.toString());
        }
        assertEquals(List.of(), bad, "vector operations left as calls, or helpers cut off");
        // the decode loops of the common types must have been compiled at all, or the check above saw nothing
        for (String m : List.of("F32Kernel::dot1Rows4", "Q8_0Kernel::dot1Rows4", "Q4_0Kernel::dot1Rows4",
                "Q4_KKernel::dot1Rows2", "Q6_KKernel::dot1Rows2", "Q4_0Kernel::dot4")) {
            assertTrue(compiles.containsKey(m), m + " was not compiled by C2; compiled: " + compiles.keySet());
            assertTrue(compiles.get(m).vectorCalls() > 0, m + ": no vector operations seen");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
