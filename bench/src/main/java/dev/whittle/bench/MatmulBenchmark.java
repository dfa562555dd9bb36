package dev.whittle.bench;

import dev.whittle.core.tensor.DType;
import dev.whittle.engine.kernel.KernelCompilation;
import dev.whittle.engine.kernel.Kernels;
import dev.whittle.engine.kernel.LinearKernel;
import dev.whittle.engine.kernel.ParallelMatmul;
import dev.whittle.engine.kernel.RandomWeights;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * One matmul of a rows × cols weight matrix with {@code tokens} activation vectors: tokens = 1 is decode
 * (matvec, bound by weight bandwidth), 32/128 is prefill (bound by compute). {@link ModelBenchReport} turns the
 * scores into GFLOP/s (2·rows·cols·tokens per op) and GB/s of weight bytes read.
 * <p>Run (from the repository root):
 * <pre>
 * mvn -B -o -q -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=/tmp/bench.cp
 * java --add-modules jdk.incubator.vector -cp bench/target/classes:$(cat /tmp/bench.cp) org.openjdk.jmh.Main \
 *     MatmulBenchmark -f 1 -wi 2 -i 2 -w 1s -r 1s -p tokens=1 -p threads=1,2 -rf csv -rff /tmp/mm.csv
 * java -cp bench/target/classes:$(cat /tmp/bench.cp) dev.whittle.bench.BenchReport /tmp/mm.csv
 * </pre>
 * (One invocation: the reactor resolves the sibling modules without {@code mvn install}; bench is built last, so
 * its classpath is the one left in the file.) The first warm-up iteration of each trial is slow (the Vector API
 * runs interpreted until C2 compiles the kernel, seconds for prefill shapes); on a shared machine prefer
 * {@link MatmulProbe}'s best-of figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", KernelCompilation.JVM_FLAG, "-Xmx8g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MatmulBenchmark {
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    public String dtype;

    /** rows x cols: attention/square, FFN up/gate, FFN down at TinyLlama-1.1B's sizes. */
    @Param({"2048x2048", "5632x2048", "2048x5632"})
    public String shape;

    @Param({"1", "32", "128"})
    public int tokens;

    @Param({"1", "2"})
    public int threads;

    /** "default" = Kernels.forType; other names select alternative kernels kept for comparison. */
    @Param({"default"})
    public String variant;

    private Arena arena;
    private DType type;
    private LinearKernel kernel;
    private MemorySegment weights;
    private int rows, cols;
    private float[] x, out;
    private ParallelMatmul pm;

    @Setup(Level.Trial)
    public void setup() {
        type = DType.valueOf(dtype);
        String[] rc = shape.split("x");
        rows = Integer.parseInt(rc[0]);
        cols = Integer.parseInt(rc[1]);
        kernel = variant.equals("default") ? Kernels.forType(type) : Kernels.variant(variant, type);
        arena = Arena.ofShared();
        weights = RandomWeights.matrix(arena, type, rows, cols, 42);
        x = RandomWeights.activations(tokens * cols, 43);
        out = new float[tokens * rows];
        pm = new ParallelMatmul(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pm.close();
        arena.close();
    }

    @Benchmark
    public float[] matmul() {
        pm.matmul(kernel, type, weights, rows, cols, x, tokens, out);
        return out;
    }
}
