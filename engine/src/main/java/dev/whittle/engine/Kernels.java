package dev.whittle.engine;

import dev.whittle.core.tensor.DType;
import dev.whittle.engine.kernel.LinearKernel;

import java.util.Optional;

/** Picks the matmul kernel for a weight dtype: the single place to swap in the per-dtype kernels. */
final class Kernels {
    private Kernels() {}

    static Optional<LinearKernel> forDType(DType dtype) {
        return SimpleF32Kernel.INSTANCE.supports(dtype) ? Optional.of(SimpleF32Kernel.INSTANCE) : Optional.empty();
    }
}
