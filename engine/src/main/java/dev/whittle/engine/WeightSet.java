package dev.whittle.engine;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.intq.GroupedIntWeight;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The named tensors of one model, looked up by canonical HF name (an optional {@code transformer.} prefix
 * is accepted) with shape checks that fail as {@link ModelFormatException}s naming the tensor.
 */
final class WeightSet {
    private final Map<String, Tensor> tensors;
    private final Path source;
    private final Map<String, GroupedIntWeight> grouped;

    WeightSet(Map<String, Tensor> tensors, Map<String, GroupedIntWeight> grouped, Path source) {
        this.tensors = tensors;
        this.grouped = grouped;
        this.source = source;
    }

    /** A Linear weight stored packed as grouped ints (compressed-tensors), checked to be [out, in]. */
    Optional<GroupedIntWeight> grouped(String name, int out, int in) {
        GroupedIntWeight g = grouped.get(name);
        if (g == null) g = grouped.get("transformer." + name);
        if (g != null && (g.rows() != out || g.cols() != in))
            throw error("tensor " + g.name() + " has shape [" + g.rows() + ", " + g.cols() + "], expected [" + out + ", " + in + "]");
        return Optional.ofNullable(g);
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
        return new Tensor(t.name(), t.shape(), t.dtype(), uniformView(t.data()));
    }

    /**
     * The same off-heap bytes as one segment implementation for every weight. A GGUF model mixes mapped
     * segments (most tensors) with allocated ones (Q/K rows re-ordered on load); the Vector API only
     * intrinsifies a segment load whose implementation class the JIT sees as one type, so a kernel fed both
     * ran about 2x slower in a real model than in a benchmark. The view has no lifetime of its own: the
     * model the tensors came from must stay open while the engine runs (as InferenceModel requires anyway).
     */
    private static MemorySegment uniformView(MemorySegment s) {
        if (!s.isNative() || s.byteSize() == 0) return s;
        return MemorySegment.ofAddress(s.address()).reinterpret(s.byteSize());
    }

    /** A small 1-D tensor (norm weight, bias) copied to floats. */
    float[] vector(String name, int length) {
        return toFloats(require(name, length));
    }

    Optional<float[]> optionalVector(String name, int length) {
        return optional(name, length).map(this::toFloats);
    }

    private float[] toFloats(Tensor t) {
        return Dequantizer.toFloatArray(t);
    }
}
