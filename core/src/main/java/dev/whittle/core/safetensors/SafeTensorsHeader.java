package dev.whittle.core.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.whittle.core.ModelFormatException;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated header of a SafeTensors file: {@code __metadata__} and the tensor entries in
 * header order. Follows the format section of the huggingface/safetensors README and the checks of its
 * reference reader: 8-byte little-endian header length N (at most {@value #MAX_HEADER_BYTES}), N bytes of
 * UTF-8 JSON object, then a data buffer that the tensors' byte ranges tile exactly, without overlaps or holes.
 */
record SafeTensorsHeader(Map<String, String> metadata, List<TensorEntry> entries, long dataStart) {
    /** The reference implementation's limit; it keeps a hostile file from making us parse gigabytes of JSON. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION) // the spec disallows duplicate keys
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Parses the header at the start of {@code file}; every problem is a one-line ModelFormatException. */
    static SafeTensorsHeader parse(MemorySegment file, Path path) {
        long size = file.byteSize();
        if (size < 8) throw new ModelFormatException(path, "truncated file: " + size + " bytes, a SafeTensors file starts with an 8-byte header length");
        long n = file.get(U64_LE, 0);
        // Checked before anything is allocated: n is untrusted (negative here means above 2^63).
        if (n < 0 || n > MAX_HEADER_BYTES) throw new ModelFormatException(path, "header length " + Long.toUnsignedString(n) + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        if (n > size - 8) throw new ModelFormatException(path, "header length " + n + " runs past the end of the file (" + size + " bytes; truncated?)");
        JsonNode root = parseJson(file.asSlice(8, n), path);
        if (!root.isObject()) throw new ModelFormatException(path, "header is not a JSON object but " + kind(root));

        Map<String, String> metadata = Map.of();
        List<TensorEntry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            if (name.equals(METADATA_KEY)) metadata = parseMetadata(field.getValue(), path);
            else entries.add(parseEntry(name, field.getValue(), path));
        }
        long dataSize = size - 8 - n;
        checkTiling(entries, dataSize, path);
        return new SafeTensorsHeader(metadata, List.copyOf(entries), 8 + n);
    }

    private static JsonNode parseJson(MemorySegment bytes, Path path) {
        String text;
        try {
            // Decode strictly ourselves: Jackson would otherwise guess UTF-16/32 from zero bytes.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes.asByteBuffer()).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(path, "header is not valid UTF-8");
        }
        try {
            JsonNode root = JSON.readTree(text);
            if (root == null || root.isMissingNode()) throw new ModelFormatException(path, "header is empty, expected a JSON object");
            return root;
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(path, "header is not valid JSON: " + firstLine(e.getOriginalMessage()), e);
        }
    }

    private static Map<String, String> parseMetadata(JsonNode node, Path path) {
        if (node.isNull()) return Map.of(); // serde reads null as "absent"
        if (!node.isObject()) throw new ModelFormatException(path, METADATA_KEY + ": expected a string-to-string map, found " + kind(node));
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) throw new ModelFormatException(path, METADATA_KEY + "." + shown(e.getKey()) + ": expected a string value, found " + kind(e.getValue()));
            map.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(map);
    }

    private static TensorEntry parseEntry(String name, JsonNode node, Path path) {
        if (!node.isObject()) throw new ModelFormatException(path, "tensor " + shown(name) + ": entry is not a JSON object but " + kind(node));
        JsonNode dt = node.get("dtype");
        if (dt == null) throw new ModelFormatException(path, "tensor " + shown(name) + ": missing dtype");
        if (!dt.isTextual()) throw new ModelFormatException(path, "tensor " + shown(name) + ": dtype is not a string but " + kind(dt));
        DType dtype = DType.fromSafetensorsName(dt.textValue())
                .orElseThrow(() -> new ModelFormatException(path, "tensor " + shown(name) + ": unknown dtype " + shown(dt.textValue())));

        JsonNode sh = node.get("shape");
        if (sh == null) throw new ModelFormatException(path, "tensor " + shown(name) + ": missing shape");
        if (!sh.isArray()) throw new ModelFormatException(path, "tensor " + shown(name) + ": shape is not a list but " + kind(sh));
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = nonNegativeLong(sh.get(i), name, "shape[" + i + "]", path);

        JsonNode off = node.get("data_offsets");
        if (off == null) throw new ModelFormatException(path, "tensor " + shown(name) + ": missing data_offsets");
        if (!off.isArray() || off.size() != 2) throw new ModelFormatException(path, "tensor " + shown(name) + ": data_offsets is not a list of two integers");
        long begin = nonNegativeLong(off.get(0), name, "data_offsets[0]", path);
        long end = nonNegativeLong(off.get(1), name, "data_offsets[1]", path);
        if (begin > end) throw new ModelFormatException(path, "tensor " + shown(name) + ": data_offsets begin " + begin + " > end " + end);

        long elements = Tensor.elementCount(shape);
        long bytes = elements < 0 ? -1 : dtype.byteSize(elements);
        if (bytes < 0) throw new ModelFormatException(path, "tensor " + shown(name) + ": byte size of shape " + java.util.Arrays.toString(shape) + " overflows");
        if (bytes != end - begin) throw new ModelFormatException(path, "tensor " + shown(name) + ": data_offsets [" + begin + ", " + end + ") hold " + (end - begin) + " bytes but " + dtype.safetensorsName() + java.util.Arrays.toString(shape) + " needs " + bytes);
        return new TensorEntry(name, dtype, shape, begin, end);
    }

    private static long nonNegativeLong(JsonNode v, String tensor, String what, Path path) {
        if (v == null || !v.isIntegralNumber()) throw new ModelFormatException(path, "tensor " + shown(tensor) + ": " + what + " is not an integer but " + kind(v));
        if (!v.canConvertToLong() || v.longValue() < 0) throw new ModelFormatException(path, "tensor " + shown(tensor) + ": " + what + " = " + v.asText() + " is out of range");
        return v.longValue();
    }

    /** The data buffer must be entirely indexed: sorted by offset, each range starts where the previous ended. */
    private static void checkTiling(List<TensorEntry> entries, long dataSize, Path path) {
        List<TensorEntry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long expected = 0;
        for (TensorEntry e : byOffset) {
            if (e.end() > dataSize) throw new ModelFormatException(path, "tensor " + shown(e.name()) + ": data_offsets end " + e.end() + " is beyond the data buffer of " + dataSize + " bytes (truncated?)");
            if (e.begin() < expected) throw new ModelFormatException(path, "tensor " + shown(e.name()) + ": data_offsets [" + e.begin() + ", " + e.end() + ") overlap the previous tensor, which ends at " + expected);
            if (e.begin() > expected) throw new ModelFormatException(path, "tensor " + shown(e.name()) + ": data_offsets begin " + e.begin() + " leaves a hole after offset " + expected + " (the data buffer must be entirely indexed)");
            expected = e.end();
        }
        if (expected != dataSize) throw new ModelFormatException(path, "data buffer has " + dataSize + " bytes but the tensors cover only " + expected + " (trailing bytes are not allowed)");
    }

    private static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) return "nothing";
        return switch (n.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "the number " + n.asText();
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return shown(line);
    }

    /** A name as it may appear in a one-line message: control characters escaped, long names cut. */
    static String shown(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 120; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        if (b.length() >= 120 && s.length() > 120) b.append("...");
        return b.toString();
    }
}
