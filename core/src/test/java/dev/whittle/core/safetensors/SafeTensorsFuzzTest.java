package dev.whittle.core.safetensors;

import dev.whittle.core.tensor.TensorSource;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Feeds truncated, byte-mutated and spliced copies of the real fixture and of small hand-made files to the
 * reader. Whatever the bytes, the only failure allowed is a one-line ModelFormatException, every parse ends
 * within a time bound, and an accepted file's tensors can be touched at their first and last byte.
 * 2,700 inputs in all, with fixed seeds.
 */
class SafeTensorsFuzzTest {
    private static final byte[] FIXTURE = readFixture();
    private static final int FIXTURE_HEADER_END = 8 + (int) ByteBuffer.wrap(FIXTURE).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    private static final List<byte[]> SMALL = List.of(writerMade(), handMade());
    private static final int[] INTERESTING = {'{', '}', '[', ']', '"', ',', ':', '0', '1', '9', '-', '.', 'e', ' ', '\\', 0, 0x7f, 0x80, 0xff};

    private static byte[] readFixture() {
        try {
            return Files.readAllBytes(Fixtures.storiesHf()); // a 1 MB test copy: mutated in memory, never on disk
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Several dtypes, a scalar, an empty tensor and metadata, laid out by the writer's header code. */
    private static byte[] writerMade() {
        List<TensorSource> ts = List.of(src("a", DType.F64, 2), src("b", DType.I32, 3), src("c", DType.BF16, 5), src("d", DType.BOOL, 3),
                src("e", DType.F32), src("f", DType.U16, 0));
        try {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("k", "v");
            byte[] header = SafeTensorsWriter.header(ts, meta);
            long data = ts.stream().mapToLong(TensorSource::byteSize).sum();
            return Hostile.file(header, (int) data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Valid but unusual JSON: whitespace, escapes, offsets out of header order. */
    private static byte[] handMade() {
        String h = " {\n \"__metadata__\" : { \"\\u0041\" : \"\\\"x\\\"\" } ,\n"
                + " \"w\\/2\" : { \"data_offsets\" : [ 4 , 12 ] , \"shape\" : [ 2 , 1 ] , \"dtype\" : \"F32\" } ,\n"
                + " \"v\" : { \"dtype\" : \"I8\" , \"shape\" : [ 4 ] , \"data_offsets\" : [ 0 , 4 ] }\n}\t";
        return Hostile.file(h, 12);
    }

    private static TensorSource src(String name, DType dtype, long... shape) {
        return new TensorSource() {
            @Override public String name() { return name; }
            @Override public long[] shape() { return shape; }
            @Override public DType dtype() { return dtype; }
            @Override public void writeTo(WritableByteChannel out) { }
        };
    }

    /** The invariant under test: accepted (and then fully touchable) or rejected with a one-line ModelFormatException. */
    private static String parseAndTouch(byte[] bytes) {
        return assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            try (SafeTensorsFile f = SafeTensorsFile.parse(MemorySegment.ofArray(bytes), Hostile.LABEL)) {
                for (Tensor t : f.tensors()) {
                    assertEquals(t.dtype().byteSize(t.elementCount()), t.byteSize(), t.name());
                    if (t.byteSize() > 0) {
                        t.data().get(ValueLayout.JAVA_BYTE, 0);
                        t.data().get(ValueLayout.JAVA_BYTE, t.byteSize() - 1);
                    }
                }
                f.metadata().forEach((k, v) -> assertFalse(k == null || v == null));
                return "accepted";
            } catch (ModelFormatException e) {
                assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
                return "rejected";
            }
        });
    }

    record Mutation(int position, int value) {
    }

    private static byte[] mutate(byte[] original, List<Mutation> mutations) {
        byte[] b = original.clone();
        for (Mutation m : mutations) b[m.position() % b.length] = (byte) m.value();
        return b;
    }

    private static Arbitrary<Integer> byteValues() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 255), Arbitraries.of(Arrays.stream(INTERESTING).boxed().toList()));
    }

    @Provide
    Arbitrary<List<Mutation>> fixtureMutations() {
        // Mostly inside the length field and the JSON header, where the parser lives; now and then anywhere.
        Arbitrary<Integer> pos = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.integers().between(0, FIXTURE_HEADER_END - 1)),
                Tuple.of(1, Arbitraries.integers().between(0, FIXTURE.length - 1)));
        return Combinators.combine(pos, byteValues()).as(Mutation::new).list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<Mutation>> smallMutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 1 << 20), byteValues()).as(Mutation::new).list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<Integer> fixtureLengths() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0, FIXTURE_HEADER_END + 16)),
                Tuple.of(1, Arbitraries.integers().between(0, FIXTURE.length)));
    }

    /** Scratch copy of the fixture, mutated in place and restored after each try (saves a 1 MB copy per try). */
    private static final byte[] SCRATCH = FIXTURE.clone();

    @Property(tries = 1000, seed = "20261124")
    void mutatedFixture(@ForAll("fixtureMutations") List<Mutation> mutations) {
        for (Mutation m : mutations) SCRATCH[m.position()] = (byte) m.value();
        String outcome;
        try {
            outcome = parseAndTouch(SCRATCH);
        } finally {
            for (Mutation m : mutations) SCRATCH[m.position()] = FIXTURE[m.position()];
        }
        Statistics.label("outcome").collect(outcome);
        Statistics.label("outcome").coverage(c -> {
            c.check("rejected").percentage(p -> p > 30);
            c.check("accepted").percentage(p -> p > 1);
        });
    }

    @Property(tries = 300, seed = "20261125")
    void truncatedFixture(@ForAll("fixtureLengths") int length) {
        String outcome = parseAndTouch(Arrays.copyOf(FIXTURE, length));
        assertEquals(length == FIXTURE.length ? "accepted" : "rejected", outcome, "length " + length);
    }

    @Property(tries = 800, seed = "20261126")
    void mutatedSmallFiles(@ForAll("smallMutations") List<Mutation> mutations, @ForAll boolean writerMade) {
        String outcome = parseAndTouch(mutate(SMALL.get(writerMade ? 0 : 1), mutations));
        Statistics.label("outcome").collect(outcome);
        Statistics.label("outcome").coverage(c -> {
            c.check("rejected").percentage(p -> p > 30);
            c.check("accepted").percentage(p -> p > 1);
        });
    }

    @Property(tries = 300, seed = "20261127")
    void truncatedSmallFiles(@ForAll int length, @ForAll boolean writerMade) {
        byte[] original = SMALL.get(writerMade ? 0 : 1);
        int len = Math.floorMod(length, original.length + 1);
        assertEquals(len == original.length ? "accepted" : "rejected", parseAndTouch(Arrays.copyOf(original, len)));
    }

    /** Deleting or duplicating a run of header bytes shifts everything after it. */
    @Property(tries = 300, seed = "20261128")
    void splicedHeaders(@ForAll int at, @ForAll int run, @ForAll boolean delete, @ForAll int which) {
        byte[] original = switch (Math.floorMod(which, 3)) {
            case 0 -> FIXTURE;
            case 1 -> SMALL.get(0);
            default -> SMALL.get(1);
        };
        int headerEnd = 8 + (int) ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        int start = Math.floorMod(at, headerEnd);
        int len = 1 + Math.floorMod(run, 16);
        byte[] out;
        if (delete) {
            len = Math.min(len, original.length - start);
            out = new byte[original.length - len];
            System.arraycopy(original, 0, out, 0, start);
            System.arraycopy(original, start + len, out, start, original.length - start - len);
        } else {
            len = Math.min(len, original.length - start);
            out = new byte[original.length + len];
            System.arraycopy(original, 0, out, 0, start + len);
            System.arraycopy(original, start, out, start + len, original.length - start);
        }
        // Nothing may be accepted: the buffer no longer matches what the header says.
        assertEquals("rejected", parseAndTouch(out));
    }

    /** The fixture and both small files are accepted unmodified (so the properties above start from valid files). */
    @Property(tries = 1)
    void originalsAreValid() {
        assertEquals("accepted", parseAndTouch(FIXTURE));
        for (byte[] s : SMALL) assertEquals("accepted", parseAndTouch(s));
    }
}
