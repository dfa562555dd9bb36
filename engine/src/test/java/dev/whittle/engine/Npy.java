package dev.whittle.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test-only reader for little-endian float32 .npy files (format v1/v2, C order). */
record Npy(int[] shape, float[] data) {
    static Npy readFloat32(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.get() != (byte) 0x93 || b.get() != 'N') throw new IOException(file + ": not an npy file");
        b.position(6);
        int major = b.get();
        b.get();
        int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
        byte[] h = new byte[headerLen];
        b.get(h);
        String header = new String(h, StandardCharsets.ISO_8859_1);
        if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
            throw new IOException(file + ": expected C-order <f4, header " + header.trim());
        }
        Matcher m = Pattern.compile("'shape':\\s*\\(([^)]*)\\)").matcher(header);
        if (!m.find()) throw new IOException(file + ": no shape in header");
        int[] shape = java.util.Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        int count = 1;
        for (int d : shape) count *= d;
        float[] data = new float[count];
        b.asFloatBuffer().get(data);
        return new Npy(shape, data);
    }
}
