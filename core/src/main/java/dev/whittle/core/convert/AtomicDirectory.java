package dev.whittle.core.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a model directory all or nothing: it is filled under a temporary name beside the target and renamed into
 * place when complete, so an interrupted or failed export leaves no partial model. An existing non-empty target is
 * refused rather than overwritten.
 */
public final class AtomicDirectory {
    /** Fills the temporary directory. */
    @FunctionalInterface
    public interface Body {
        void fill(Path dir) throws IOException;
    }

    private AtomicDirectory() {}

    public static void write(Path targetDir, Body body) throws IOException {
        Path target = targetDir.toAbsolutePath();
        if (Files.exists(target) && (!Files.isDirectory(target) || !isEmpty(target)))
            throw new IOException(target + ": exists and is not an empty directory; choose a new output directory");
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".tmp-");
        try {
            body.fill(tmp);
            if (Files.isDirectory(target)) Files.delete(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (Throwable t) {
            deleteTree(tmp);
            throw t;
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException ignored) {
            // Best effort: a leftover temp directory is named as such.
        }
    }
}
