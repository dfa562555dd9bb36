package dev.whittle.eval;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Temp-then-rename writes, so a reader never sees a half-written results or logits file. */
final class AtomicFiles {
    private AtomicFiles() {
    }

    /** A fresh temp file next to {@code target} (same directory, so the final move is a rename). */
    static Path tempFor(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    }

    static void commit(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void writeBytes(Path target, byte[] bytes) throws IOException {
        Path temp = tempFor(target);
        try {
            Files.write(temp, bytes);
            commit(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
