package dev.whittle.cli.recipe;

import java.util.List;
import java.util.stream.Collectors;

/** A named chain of steps applied to the base model; no steps means the base model itself. */
public record VariantSpec(String name, List<Step> steps) {
    public String canonicalSteps() {
        return steps.isEmpty() ? "base" : steps.stream().map(Step::canonical).collect(Collectors.joining(" -> "));
    }
}
