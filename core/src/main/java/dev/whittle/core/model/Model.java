package dev.whittle.core.model;

import dev.whittle.core.gguf.GgufValue;
import dev.whittle.core.intq.GroupedIntWeight;
import dev.whittle.core.intq.GroupedIntWeights;
import dev.whittle.core.tensor.Tensor;
import dev.whittle.core.tokenizer.Tokenizer;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A model: its config, its tensors under canonical (HF) names, and its tokenizer.
 * <p>
 * Tensors are resolved lazily: most are zero-copy views of mapped files; the few that must change layout at the
 * format boundary (GGUF Q/K rows, GPT-2 Conv1D weights from HF) are materialised once, on first use, in the
 * model's own arena. Closing the model unmaps everything.
 */
public final class Model implements AutoCloseable {
    private final ModelConfig config;
    private final ModelFormat format;
    private final Path path;
    private final List<Path> weightFiles;
    private final Map<String, Supplier<Tensor>> sources;
    private final Map<String, Tensor> resolved = new ConcurrentHashMap<>();
    private final Tokenizer tokenizer;
    private final Map<String, GgufValue> ggufMetadata;
    private final Arena arena;
    private final List<AutoCloseable> resources;
    private volatile Map<String, GroupedIntWeight> quantizedWeights;

    Model(ModelConfig config, ModelFormat format, Path path, List<Path> weightFiles,
          LinkedHashMap<String, Supplier<Tensor>> sources, Tokenizer tokenizer, Map<String, GgufValue> ggufMetadata,
          Arena arena, List<AutoCloseable> resources) {
        this.config = config;
        this.format = format;
        this.path = path;
        this.weightFiles = List.copyOf(weightFiles);
        this.sources = Collections.unmodifiableMap(sources);
        this.tokenizer = tokenizer;
        this.ggufMetadata = ggufMetadata == null ? Map.of() : ggufMetadata;
        this.arena = arena;
        this.resources = new ArrayList<>(resources);
    }

    /** A model over tensors already in memory (synthetic models, transform outputs). */
    public static Model of(ModelConfig config, Map<String, Tensor> tensors, Tokenizer tokenizer) {
        LinkedHashMap<String, Supplier<Tensor>> src = new LinkedHashMap<>();
        tensors.forEach((name, t) -> src.put(name, () -> t));
        return new Model(config, ModelFormat.MEMORY, null, List.of(), src, tokenizer, Map.of(), Arena.ofShared(), List.of());
    }

    public ModelConfig config() { return config; }

    public ModelFormat format() { return format; }

    /** The path the user gave (a directory or a file); null for in-memory models. */
    public Path path() { return path; }

    /** The files holding the weights (for hashing and size reports). */
    public List<Path> weightFiles() { return weightFiles; }

    /** Canonical tensor names in file order. */
    public List<String> tensorNames() { return List.copyOf(sources.keySet()); }

    public boolean hasTensor(String name) { return sources.containsKey(name); }

    public Tensor tensor(String name) {
        Tensor t = resolved.get(name);
        if (t != null) return t;
        Supplier<Tensor> s = sources.get(name);
        if (s == null) throw new IllegalArgumentException("no tensor " + name + " in " + (path == null ? "model" : path));
        synchronized (this) {
            return resolved.computeIfAbsent(name, n -> s.get());
        }
    }

    public Optional<Tensor> findTensor(String name) {
        return hasTensor(name) ? Optional.of(tensor(name)) : Optional.empty();
    }

    /** Every tensor, in file order (resolving them all). */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String n : sources.keySet()) out.put(n, tensor(n));
        return out;
    }

    /**
     * Grouped-int Linear weights (compressed-tensors pack-quantized checkpoints) keyed by weight name
     * ({@code X.weight}), views over the mapped {@code X.weight_packed}/{@code _scale}/{@code _zero_point} tensors;
     * empty for models without them. Built on first use.
     */
    public Map<String, GroupedIntWeight> quantizedWeights() {
        Map<String, GroupedIntWeight> q = quantizedWeights;
        if (q == null) {
            synchronized (this) {
                if (quantizedWeights == null) quantizedWeights = GroupedIntWeights.of(this);
                q = quantizedWeights;
            }
        }
        return q;
    }

    /** The grouped-int weight {@code X.weight}, if this model stores it packed. */
    public Optional<GroupedIntWeight> quantizedWeight(String name) {
        return Optional.ofNullable(quantizedWeights().get(name));
    }

    public Optional<Tokenizer> tokenizer() { return Optional.ofNullable(tokenizer); }

    /** The raw GGUF metadata when the model came from a GGUF file, else empty. */
    public Map<String, GgufValue> ggufMetadata() { return ggufMetadata; }

    /** Number of weights (elements of all tensors; a packed grouped-int weight counts its [out, in] elements). */
    public long parameterCount() {
        long n = 0;
        for (String name : sources.keySet())
            if (!GroupedIntWeights.isParameterTensor(name)) n += tensor(name).elementCount();
        for (GroupedIntWeight w : quantizedWeights().values()) n += (long) w.rows() * w.cols();
        return n;
    }

    Arena arena() { return arena; }

    @Override
    public void close() {
        resolved.clear();
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception ignored) {
                // Closing mapped files cannot fail in a way the caller could act on.
            }
        }
        arena.close();
    }
}
