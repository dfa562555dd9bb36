package dev.whittle.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @Test
    void writesWholeReplacesAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("a").resolve("b.txt");
        AtomicFile.writeString(target, "first");
        AtomicFile.writeString(target, "second ✓");
        assertEquals("second ✓", Files.readString(target));
        try (var files = Files.list(target.getParent())) {
            assertEquals(1, files.count());
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void streamedFileIsCommittedWithOrdinaryPermissions(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("results.bin");
        Path tmp = AtomicFile.tempFor(target);
        assertEquals(dir, tmp.getParent());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp)));
        Files.write(tmp, new byte[] {1, 2, 3});
        AtomicFile.commit(tmp, target);
        assertEquals(3, Files.size(target));
        assertEquals(false, Files.exists(tmp));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }
}
