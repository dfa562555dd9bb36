package dev.whittle.cli.recipe;

/** A bad recipe: one line naming the file, the key and the problem, e.g. {@code r.yaml: variants[2].steps[0].type: unknown type q9_9 (known: ...)}. */
public final class RecipeException extends IllegalArgumentException {
    public RecipeException(String file, String key, String problem) {
        super(file + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + problem);
    }
}
