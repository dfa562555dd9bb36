package dev.whittle.quantize;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationsTest {
    @Test
    void rowsWrittenInChunksReadBackExactlyAndTheTemporaryFileIsGone() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before;
        try (var s = Files.list(tmp)) {
            before = s.filter(p -> p.getFileName().toString().startsWith("whittle-calib-")).count();
        }
        Random r = new Random(2);
        float[] all = new float[10 * 7];
        for (int i = 0; i < all.length; i++) all[i] = (float) r.nextGaussian();
        try (Activations a = Activations.create(10, 7)) {
            try (var s = Files.list(tmp)) {
                assertEquals(before, s.filter(p -> p.getFileName().toString().startsWith("whittle-calib-")).count(),
                        "the file is unlinked once mapped");
            }
            a.write(0, 4, java.util.Arrays.copyOfRange(all, 0, 28));
            a.write(4, 6, java.util.Arrays.copyOfRange(all, 28, 70));
            assertArrayEquals(all, a.read(0, 10));
            assertArrayEquals(java.util.Arrays.copyOfRange(all, 21, 35), a.read(3, 2));
            a.write(3, 1, new float[7]);
            assertEquals(0f, a.read(3, 1)[6]);
            assertThrows(IndexOutOfBoundsException.class, () -> a.read(9, 2));
            assertThrows(IllegalArgumentException.class, () -> a.write(0, 2, new float[13]));
        }
    }

    @Test
    void closedStoresCannotBeRead() {
        Activations a = Activations.create(2, 3);
        a.close();
        a.close(); // idempotent
        assertTrue(assertThrows(IllegalStateException.class, () -> a.read(0, 1)).getMessage() != null);
    }
}
