package dev.whittle.core.gguf;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.tensor.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Feeds truncated and byte-flipped copies of the real fixtures and of a small file using every value type to
 * the reader (2,400 inputs, fixed seeds). Whatever the bytes, the only failure allowed is a one-line
 * ModelFormatException naming the input, each parse ends within a generous bound (a guard against hangs,
 * not a speed test), and an accepted file's tensors can be read at their first and last byte.
 */
class GgufFuzzTest {
    private record Input(String label, byte[] bytes, int headerEnd) {}

    private static final List<Input> INPUTS = List.of(
            fixture(GgufFixtures.STORIES),
            fixture(GgufFixtures.TINY_LLAMA),
            fixture("models/ggml-vocab/ggml-vocab-bert-bge.gguf"),
            synthetic());
    private static final Duration BOUND = Duration.ofSeconds(2);

    private static Input fixture(String rel) {
        Path p = GgufFixtures.model(rel);
        try {
            byte[] b = Files.readAllBytes(p); // mutated in memory only
            try (GgufFile f = GgufFile.parse(MemorySegment.ofArray(b), p)) {
                return new Input(p.getFileName().toString(), b, (int) Math.min(f.dataOffset(), b.length));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every value type, nested arrays, alignment 64 and block-quantized data; the last tensor ends at EOF. */
    private static Input synthetic() {
        GgufBytes b = GgufBytes.header(3, 3, 8)
                .kv("general.alignment", GgufType.UINT32).u32(64)
                .kv("u8", GgufType.UINT8).u8(7)
                .kv("i16", GgufType.INT16).u16(-3)
                .kv("u64", GgufType.UINT64).u64(-1)
                .kv("f64", GgufType.FLOAT64).f64(0.25)
                .kv("flags", GgufType.ARRAY).u32(GgufType.BOOL.id()).u64(3).u8(1).u8(0).u8(1)
                .kv("nested", GgufType.ARRAY).u32(GgufType.ARRAY.id()).u64(2)
                .u32(GgufType.STRING.id()).u64(2).str("a").str("bc")
                .u32(GgufType.ARRAY.id()).u64(1).u32(GgufType.FLOAT32.id()).u64(2).f32(1f).f32(2f)
                .kv("scores", GgufType.ARRAY).u32(GgufType.INT64.id()).u64(2).u64(5).u64(-5)
                .tensor("q", new long[]{32, 2}, 8, 0)     // Q8_0: 2 blocks of 34 bytes
                .tensor("h", new long[]{3}, 1, 128)        // F16
                .tensor("f", new long[]{4, 4}, 0, 192)     // F32, 64 bytes
                .pad(64);
        int headerEnd = b.size();
        b.zeros(68).pad(64).zeros(6).pad(64).raw(new byte[64]);
        byte[] bytes = b.bytes();
        try (GgufFile f = GgufFile.parse(MemorySegment.ofArray(bytes), Path.of("synthetic.gguf"))) {
            assertEquals(bytes.length, f.dataOffset() + 192 + 64);
        }
        return new Input("synthetic.gguf", bytes, headerEnd);
    }

    /** Parses within the bound; returns whether the file was accepted, failing on anything but ModelFormatException. */
    private static boolean parseAndTouch(byte[] bytes, String label) {
        Path name = Path.of("fuzz-" + label);
        return assertTimeoutPreemptively(BOUND, () -> {
            try (GgufFile f = GgufFile.parse(MemorySegment.ofArray(bytes), name)) {
                long sum = 0;
                for (GgufTensorInfo info : f.tensorInfos()) {
                    Tensor t = f.tensor(info);
                    if (t.byteSize() == 0) continue;
                    sum += t.data().get(ValueLayout.JAVA_BYTE, 0) + t.data().get(ValueLayout.JAVA_BYTE, t.byteSize() - 1);
                }
                for (GgufValue v : f.metadata().values()) if (v.isArray()) sum += v.asList().size();
                return sum != Long.MIN_VALUE; // always true: keeps the reads from being optimised away
            } catch (ModelFormatException e) {
                assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
                assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c != 0x7f), "one printable line: " + e.getMessage());
                return false;
            }
        });
    }

    /** Cutting a file short anywhere is always detected (each input's last bytes belong to a tensor or value). */
    @Property(tries = 900, seed = "20261124")
    void truncatedFilesAreRejected(@ForAll @IntRange(min = 0, max = 3) int which,
                                   @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int r,
                                   @ForAll boolean nearHeader) {
        Input in = INPUTS.get(which);
        // Most cuts fall inside the header, where the parser does its work; the rest anywhere.
        int len = nearHeader ? r % (in.headerEnd() + 1) : r % in.bytes().length;
        assertFalse(parseAndTouch(Arrays.copyOf(in.bytes(), len), in.label()), in.label() + " cut to " + len + " bytes was accepted");
    }

    private record Flip(int which, List<Integer> positions, List<Integer> masks, boolean headerOnly) {}

    @Provide
    Arbitrary<Flip> flips() {
        // The two 32k-token files cost ~20x more per parse than the others, so they get fewer of the tries.
        Arbitrary<Integer> which = Arbitraries.frequency(Tuple.of(35, 0), Tuple.of(12, 1), Tuple.of(12, 2), Tuple.of(41, 3));
        return Combinators.combine(
                which,
                Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMinSize(1).ofMaxSize(6),
                Arbitraries.integers().between(1, 255).list().ofSize(6),
                Arbitraries.integers().between(0, 9).map(x -> x < 9)).as(Flip::new);
    }

    /** XOR-ing a few bytes gives either a clean rejection or a file whose tensors are all readable. */
    @Property(tries = 1200, seed = "20261125")
    void flippedBytesNeverEscapeAsOtherExceptions(@ForAll("flips") Flip flip) {
        Input in = INPUTS.get(flip.which());
        byte[] b = in.bytes().clone();
        int range = flip.headerOnly() ? in.headerEnd() : b.length;
        for (int i = 0; i < flip.positions().size(); i++) {
            int pos = flip.positions().get(i) % range;
            b[pos] ^= (byte) (int) flip.masks().get(i);
        }
        boolean accepted = parseAndTouch(b, in.label());
        // Both outcomes must be common, or the property would only exercise one side of the reader.
        Statistics.label("outcome").collect(accepted ? "accepted" : "rejected");
        Statistics.label("outcome").coverage(c -> {
            c.check("accepted").percentage(p -> p > 5);
            c.check("rejected").percentage(p -> p > 50);
        });
    }

    /** Flipping bytes inside the counts and lengths (the fields that size everything) of the small file. */
    @Property(tries = 300, seed = "20261126")
    void flippedLengthBytes(@ForAll @IntRange(min = 0, max = 63) int field, @ForAll @IntRange(min = 0, max = 7) int byteInField,
                            @ForAll @IntRange(min = 1, max = 255) int mask) {
        Input in = INPUTS.get(3);
        byte[] b = in.bytes().clone();
        int pos = Math.min(8 + field * 8 + byteInField, in.headerEnd() - 1);
        b[pos] ^= (byte) mask;
        parseAndTouch(b, in.label());
    }
}
