package dev.whittle.cli.recipe;

import java.nio.file.Path;
import java.util.List;

/**
 * A parsed, validated recipe. Paths are already resolved against the recipe file's directory.
 *
 * @param file        the recipe file
 * @param base        the base model (file or HF directory)
 * @param dataDir     the recipe's data directory, or null
 * @param calibration calibration data, or null when no step needs it
 * @param eval        evaluation settings
 * @param threads     threads, or null for all cores
 * @param variants    the explicit variants followed by the sweep's, names unique
 */
public record Recipe(Path file, Path base, Path dataDir, Calibration calibration, EvalSpec eval, Integer threads,
                     List<VariantSpec> variants) {
}
