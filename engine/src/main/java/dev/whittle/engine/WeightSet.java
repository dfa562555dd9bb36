package dev.whittle.engine;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The named tensors of one model, looked up by canonical HF name (an optional {@code transformer.} prefix
 * is accepted) with shape checks that fail as {@link ModelFormatException}s naming the tensor.
 */
final class WeightSet {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Map<String, Tensor> tensors;
    private final Path source;

    WeightSet(Map<String, Tensor> tensors, Path source) {
        this.tensors = tensors;
        this.source = source;
    }

    Path source() {
        return source;
    }

    ModelFormatException error(String what) {
        return new ModelFormatException(source, what);
    }

    Optional<Tensor> find(String name) {
        Tensor t = tensors.get(name);
        if (t == null) t = tensors.get("transformer." + name);
        return Optional.ofNullable(t);
    }

    boolean has(String name) {
        return find(name).isPresent();
    }

    Tensor require(String name) {
        return find(name).orElseThrow(() -> error("missing tensor " + name));
    }

    /** The tensor, checked to have exactly this shape and a byte size matching its dtype. */
    Tensor require(String name, long... shape) {
        return checked(require(name), shape);
    }

    Optional<Tensor> optional(String name, long... shape) {
        return find(name).map(t -> checked(t, shape));
    }

    private Tensor checked(Tensor t, long[] shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw error("tensor " + t.name() + " has shape " + Arrays.toString(t.shape()) + ", expected "
                    + Arrays.toString(shape));
        }
        long bytes = t.dtype().byteSize(t.elementCount());
        if (bytes < 0 || t.data().byteSize() < bytes) {
            throw error("tensor " + t.name() + " holds " + t.data().byteSize() + " bytes, " + t.dtype() + " "
                    + Arrays.toString(shape) + " needs " + bytes);
        }
        return t;
    }

    /** A small 1-D tensor (norm weight, bias) copied to floats. */
    float[] vector(String name, int length) {
        return toFloats(require(name, length));
    }

    Optional<float[]> optionalVector(String name, int length) {
        return optional(name, length).map(this::toFloats);
    }

    private float[] toFloats(Tensor t) {
        float[] out = new float[Math.toIntExact(t.elementCount())];
        if (!readRow(t, 0, out.length, out)) {
            throw error("tensor " + t.name() + " has dtype " + t.dtype() + "; the engine reads norms, biases and "
                    + "embeddings only as F32/F16/BF16/F64");
        }
        return out;
    }

    /** Copies elements [first, first+len) of a float-typed tensor; false if the dtype is not one it can read. */
    static boolean readRow(Tensor t, long first, int len, float[] out) {
        MemorySegment d = t.data();
        switch (t.dtype()) {
            case F32 -> MemorySegment.copy(d, F32, first * 4, out, 0, len);
            case F16 -> {
                for (int i = 0; i < len; i++) out[i] = Float.float16ToFloat(d.get(I16, (first + i) * 2));
            }
            case BF16 -> {
                for (int i = 0; i < len; i++) out[i] = Float.intBitsToFloat((d.get(I16, (first + i) * 2) & 0xFFFF) << 16);
            }
            case F64 -> {
                for (int i = 0; i < len; i++) out[i] = (float) d.get(F64, (first + i) * 8);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    static boolean readableRows(DType t) {
        return t == DType.F32 || t == DType.F16 || t == DType.BF16 || t == DType.F64;
    }
}
