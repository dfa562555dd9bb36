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
        register(DType.F16, new F16Kernel(), F16Kernel::decodeScalar);
        register(DType.BF16, new BF16Kernel(), BF16Kernel::decodeScalar);
        register(DType.Q8_0, new Q8_0Kernel(), Q8_0Kernel::decodeScalar);
        register(DType.Q4_0, new Q4_0Kernel(), Q4_0Kernel::decodeScalar);
        register(DType.Q4_1, new Q4_1Kernel(), Q4_1Kernel::decodeScalar);
        register(DType.Q5_0, new Q5_0Kernel(), Q5_0Kernel::decodeScalar);
        register(DType.Q5_1, new Q5_1Kernel(), Q5_1Kernel::decodeScalar);
        register(DType.Q4_K, new Q4_KKernel(), Q4_KKernel::decodeScalar);
        register(DType.Q5_K, new Q5_KKernel(), Q5_KKernel::decodeScalar);
        register(DType.Q6_K, new Q6_KKernel(), Q6_KKernel::decodeScalar);
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

    /**
     * Alternative kernels kept for measurement ("int8": Q8 activations and integer dot products, Q8_0/Q4_0);
     * {@link #forType} returns whichever measured faster.
     */
    public static LinearKernel variant(String name, DType type) {
        return switch (name) {
            case "int8" -> new Int8DotKernel(type);
            case "scalar" -> scalar(type);
            default -> throw new IllegalArgumentException("unknown kernel variant " + name);
        };
    }

    public static boolean isSupported(DType type) {
        return VECTOR.containsKey(type);
    }
}
