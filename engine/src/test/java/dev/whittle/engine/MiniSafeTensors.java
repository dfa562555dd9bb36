package dev.whittle.engine;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test-only SafeTensors reader (the real one lives on another branch): maps the file and slices one segment
 * per tensor from the header's data_offsets. Handles the flat header the fixtures use, nothing more.
 */
final class MiniSafeTensors {
    private static final Pattern ENTRY = Pattern.compile(
            "\"([^\"]+)\"\\s*:\\s*\\{\\s*\"dtype\"\\s*:\\s*\"(\\w+)\"\\s*,\\s*\"shape\"\\s*:\\s*\\[([^\\]]*)]\\s*,"
                    + "\\s*\"data_offsets\"\\s*:\\s*\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]\\s*}");

    private MiniSafeTensors() {}

    static Map<String, Tensor> read(Path file, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            long headerLen = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            byte[] header = all.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
            String json = new String(header, StandardCharsets.UTF_8);
            long base = 8 + headerLen;
            Map<String, Tensor> out = new LinkedHashMap<>();
            Matcher m = ENTRY.matcher(json);
            while (m.find()) {
                String shapeText = m.group(3).trim();
                long[] shape = shapeText.isEmpty() ? new long[0]
                        : java.util.Arrays.stream(shapeText.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
                DType dtype = DType.fromSafetensorsName(m.group(2)).orElseThrow();
                long start = Long.parseLong(m.group(4));
                long end = Long.parseLong(m.group(5));
                out.put(m.group(1), new Tensor(m.group(1), shape, dtype, all.asSlice(base + start, end - start)));
            }
            return out;
        }
    }
}
