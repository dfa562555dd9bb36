package dev.whittle.engine;

import dev.whittle.core.tensor.DType;
import dev.whittle.engine.kernel.Kernels;
import dev.whittle.engine.kernel.LinearKernel;

import java.util.Optional;

/**
 * Picks the matmul kernel for a weight dtype: the per-dtype Vector API kernels of {@link Kernels}, with the plain
 * F32/F16/BF16 stand-in only for dtypes the registry lacks.
 */
final class KernelSelection {
    private KernelSelection() {}

    static Optional<LinearKernel> forDType(DType dtype) {
        if (Kernels.isSupported(dtype)) return Optional.of(Kernels.forType(dtype));
        return SimpleF32Kernel.INSTANCE.supports(dtype) ? Optional.of(SimpleF32Kernel.INSTANCE) : Optional.empty();
    }
}
