package dev.whittle.engine;

import dev.whittle.core.tensor.DType;
import dev.whittle.engine.kernel.LinearKernel;

import java.util.Optional;

/**
 * Picks the matmul kernel for a weight dtype: the single place to swap in the per-dtype kernels. Once
 * {@code dev.whittle.engine.kernel.Kernels} is merged, the body becomes
 * {@code Kernels.isSupported(t) ? Optional.of(Kernels.forType(t)) : fallback(t)}, keeping the stand-in only for
 * dtypes the registry lacks (F16/BF16 at the time of writing).
 */
final class KernelSelection {
    private KernelSelection() {}

    static Optional<LinearKernel> forDType(DType dtype) {
        return fallback(dtype);
    }

    private static Optional<LinearKernel> fallback(DType dtype) {
        return SimpleF32Kernel.INSTANCE.supports(dtype) ? Optional.of(SimpleF32Kernel.INSTANCE) : Optional.empty();
    }
}
