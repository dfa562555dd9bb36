package dev.whittle.engine.kernel;

import dev.whittle.core.tensor.DType;

import java.util.EnumMap;
import java.util.Map;

/**
 * The kernel registry: {@link #forType} gives the fastest (vectorised) kernel for a weight dtype,
 * {@link #scalar} its plain reference twin. Kernels are stateless and shared.
 */
public final class Kernels {
    private static final Map<DType, LinearKernel> VECTOR = new EnumMap<>(DType.class);
    private static final Map<DType, LinearKernel> SCALAR = new EnumMap<>(DType.class);

    static {
        register(DType.F32, new F32Kernel(), F32Kernel::decodeScalar);
        register(DType.Q8_0, new Q8_0Kernel(), Q8_0Kernel::decodeScalar);
        register(DType.Q4_0, new Q4_0Kernel(), Q4_0Kernel::decodeScalar);
    }

    private Kernels() {}

    private static void register(DType type, LinearKernel vector, BlockDecoder decoder) {
        VECTOR.put(type, vector);
        SCALAR.put(type, new ScalarKernel(type, decoder));
    }

    /** The vectorised kernel for weights of this dtype. */
    public static LinearKernel forType(DType type) {
        LinearKernel k = VECTOR.get(type);
        if (k == null) throw new IllegalArgumentException("no matmul kernel for weight type " + type);
        return k;
    }

    /** The scalar reference kernel for weights of this dtype. */
    public static LinearKernel scalar(DType type) {
        LinearKernel k = SCALAR.get(type);
        if (k == null) throw new IllegalArgumentException("no matmul kernel for weight type " + type);
        return k;
    }

    public static boolean isSupported(DType type) {
        return VECTOR.containsKey(type);
    }
}
