package dev.whittle.core.safetensors;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Builds small SafeTensors files by hand (header text and data bytes given explicitly) for error tests. */
final class Hostile {
    static final Path LABEL = Path.of("hostile.safetensors");

    private Hostile() {
    }

    /** 8-byte LE length of {@code header}'s UTF-8 bytes, the header, then {@code dataBytes} bytes 0,1,2,... */
    static byte[] file(String header, int dataBytes) {
        return file(header.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    static byte[] file(byte[] header, int dataBytes) {
        return file(header.length, header, dataBytes);
    }

    /** Like {@link #file(byte[], int)} but with an arbitrary (possibly lying) length field. */
    static byte[] file(long claimedLength, byte[] header, int dataBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(claimedLength).array());
        out.writeBytes(header);
        for (int i = 0; i < dataBytes; i++) out.write(i);
        return out.toByteArray();
    }

    static SafeTensorsFile parse(byte[] bytes) {
        return SafeTensorsFile.parse(MemorySegment.ofArray(bytes), LABEL);
    }
}
