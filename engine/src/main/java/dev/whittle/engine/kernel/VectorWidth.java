package dev.whittle.engine.kernel;

import dev.whittle.core.util.AtomicFile;
import dev.whittle.core.util.CpuModel;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Which vector width the engine runs at. In order: the system property {@value #PROPERTY} (128, 256 or 512); else
 * the width {@code whittle bench --tune-width} measured fastest on this CPU, recorded in {@link #recordFile};
 * else the CPU's preferred width. Never wider than the preferred width (wider species would be emulated).
 * <p>Why a measured default: the fastest width depends on the core, not only on what it supports. On the
 * AVX-512 Xeon and EPYC these kernels were written on, 512-bit lanes won for every dtype; on Zen 4, which
 * executes 512-bit operations as two 256-bit halves, 256-bit species are known to win for some kernels.
 */
public final class VectorWidth {
    /** System property that forces a width. */
    public static final String PROPERTY = "whittle.vectorBits";
    /** Environment variable naming the cache directory (system property {@code whittle.cache} takes precedence). */
    public static final String CACHE_ENV = "WHITTLE_CACHE";
    static final String FILE_NAME = "vector-width.properties";

    private VectorWidth() {}

    /** Where a width came from. */
    public enum Source { PROPERTY, TUNED, PREFERRED }

    /** The width in bits and where it came from. */
    public record Choice(int bits, Source source) {}

    /** A width measured fastest on the CPU named {@code cpu}. */
    public record Recorded(String cpu, int bits) {}

    /** The width for this JVM, from the real property, record file and CPU. */
    static Choice choose(int preferredBits) {
        Optional<Recorded> recorded = read(recordFile());
        return resolve(System.getProperty(PROPERTY), preferredBits, recorded, cpu());
    }

    /**
     * The rule of the class comment. A record for another CPU is ignored (a home directory can be shared
     * between machines), as is a recorded width this CPU cannot run.
     *
     * @throws IllegalArgumentException if the property is set to anything but 128, 256 or 512
     */
    static Choice resolve(String property, int preferredBits, Optional<Recorded> recorded, String cpu) {
        if (property != null) {
            int bits;
            try {
                bits = Integer.parseInt(property.trim());
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (!valid(bits)) throw new IllegalArgumentException(PROPERTY + " must be 128, 256 or 512, got " + property);
            return new Choice(Math.min(bits, preferredBits), Source.PROPERTY);
        }
        if (recorded.isPresent() && recorded.get().cpu().equals(cpu) && valid(recorded.get().bits())
                && recorded.get().bits() <= preferredBits) {
            return new Choice(recorded.get().bits(), Source.TUNED);
        }
        return new Choice(preferredBits, Source.PREFERRED);
    }

    private static boolean valid(int bits) {
        return bits == 128 || bits == 256 || bits == 512;
    }

    /** {@code -Dwhittle.cache}, else {@code $WHITTLE_CACHE}, else {@code ~/.cache/whittle}; then the file name. */
    public static Path recordFile(Map<String, String> env, String cacheProperty, String userHome) {
        String dir = cacheProperty;
        if (dir == null || dir.isBlank()) dir = env.get(CACHE_ENV);
        Path base = dir == null || dir.isBlank() ? Path.of(userHome, ".cache", "whittle") : Path.of(dir);
        return base.resolve(FILE_NAME);
    }

    /** The record file for this process's environment. */
    public static Path recordFile() {
        return recordFile(System.getenv(), System.getProperty("whittle.cache"), System.getProperty("user.home"));
    }

    /** The record in {@code file}, if there is a readable, well-formed one. */
    public static Optional<Recorded> read(Path file) {
        if (!Files.isRegularFile(file)) return Optional.empty();
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            String cpu = p.getProperty("cpu"), bits = p.getProperty("bits");
            if (cpu == null || bits == null) return Optional.empty();
            return Optional.of(new Recorded(cpu, Integer.parseInt(bits.trim())));
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            return Optional.empty(); // a damaged record only loses the tuning, never the run
        }
    }

    /** Writes the record through a temporary file moved into place, so a reader never sees half of one. */
    public static void write(Path file, Recorded record) throws IOException {
        Properties p = new Properties();
        p.setProperty("cpu", record.cpu());
        p.setProperty("bits", Integer.toString(record.bits()));
        StringWriter text = new StringWriter();
        p.store(text, "written by whittle bench --tune-width: the fastest vector width on this CPU");
        AtomicFile.writeString(file, text.toString());
    }

    /** The CPU model name from /proc/cpuinfo, else the OS architecture: what a record is valid for. */
    public static String cpu() {
        return CpuModel.read().orElseGet(() -> System.getProperty("os.arch", "unknown"));
    }
}
