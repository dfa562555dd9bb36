package dev.whittle.core.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.whittle.core.ModelFormatException;
import dev.whittle.core.tensor.Tensor;
import dev.whittle.core.tensor.TensorStore;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SafeTensors weights of a model, one file or several shards joined by a HuggingFace
 * {@code model.safetensors.index.json} ({@code {"metadata": {...}, "weight_map": {tensor: shard file}}}),
 * seen as one name-to-tensor map. Every shard is mapped and validated on open, and every tensor the weight map
 * names must be in its shard. Tensors a shard holds but the weight map does not name are not part of the view
 * (the weight map is what HF loaders follow). Closing releases every shard.
 */
public final class SafeTensorsModel implements TensorStore {
    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";
    static final long MAX_INDEX_BYTES = 100_000_000L;

    private final Path path;
    private final List<SafeTensorsFile> shards;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> indexMetadata;

    private SafeTensorsModel(Path path, List<SafeTensorsFile> shards, Map<String, Tensor> tensors, Map<String, String> indexMetadata) {
        this.path = path;
        this.shards = List.copyOf(shards);
        this.tensors = Collections.unmodifiableMap(tensors);
        this.indexMetadata = Collections.unmodifiableMap(indexMetadata);
    }

    /**
     * Opens a {@code .safetensors} file, an {@code *.index.json} file, or a directory holding
     * {@value #INDEX_FILE}, else {@value #SINGLE_FILE}, else exactly one {@code *.safetensors} file.
     */
    public static SafeTensorsModel open(Path path) {
        if (Files.isDirectory(path)) return open(pickInDirectory(path));
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (name.endsWith(".json")) return openIndex(path);
        SafeTensorsFile f = SafeTensorsFile.open(path);
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (Tensor t : f.tensors()) map.put(t.name(), t);
        return new SafeTensorsModel(path, List.of(f), map, Map.of());
    }

    private static Path pickInDirectory(Path dir) {
        if (Files.isRegularFile(dir.resolve(INDEX_FILE))) return dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(dir.resolve(SINGLE_FILE))) return dir.resolve(SINGLE_FILE);
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.safetensors")) {
            for (Path p : ds) found.add(p);
        } catch (IOException e) {
            throw new ModelFormatException(dir, "cannot list directory: " + SafeTensorsFile.ioProblem(e), e);
        }
        if (found.size() == 1) return found.get(0);
        throw new ModelFormatException(dir, found.isEmpty() ? "no " + INDEX_FILE + ", " + SINGLE_FILE + " or other .safetensors file"
                : "no " + INDEX_FILE + " to join the " + found.size() + " .safetensors files");
    }

    private static SafeTensorsModel openIndex(Path index) {
        JsonNode root = readIndex(index);
        Path dir = index.toAbsolutePath().getParent();
        JsonNode wm = root.get("weight_map");
        if (wm == null) throw new ModelFormatException(index, "missing weight_map");
        if (!wm.isObject()) throw new ModelFormatException(index, "weight_map is not an object");
        Map<String, String> indexMetadata = new LinkedHashMap<>();
        JsonNode md = root.get("metadata");
        if (md != null && !md.isNull()) {
            if (!md.isObject()) throw new ModelFormatException(index, "metadata is not an object");
            for (Map.Entry<String, JsonNode> e : md.properties()) indexMetadata.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
        }

        Map<String, SafeTensorsFile> shardsByName = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, JsonNode> e : wm.properties()) {
                String tensor = e.getKey();
                String where = "weight_map." + SafeTensorsHeader.shown(tensor);
                if (!e.getValue().isTextual()) throw new ModelFormatException(index, where + ": shard is not a file name string");
                String shardName = e.getValue().textValue();
                SafeTensorsFile shard = shardsByName.get(shardName);
                if (shard == null) {
                    shard = SafeTensorsFile.open(shardPath(dir, shardName, index, where));
                    shardsByName.put(shardName, shard);
                }
                if (!shard.contains(tensor)) throw new ModelFormatException(index, where + ": shard " + SafeTensorsHeader.shown(shardName) + " has no such tensor");
                tensors.put(tensor, shard.tensor(tensor));
            }
        } catch (RuntimeException | Error e) {
            shardsByName.values().forEach(SafeTensorsFile::close);
            throw e;
        }
        return new SafeTensorsModel(index, new ArrayList<>(shardsByName.values()), tensors, indexMetadata);
    }

    private static JsonNode readIndex(Path index) {
        try {
            long size = Files.size(index);
            if (size > MAX_INDEX_BYTES) throw new ModelFormatException(index, "index of " + size + " bytes exceeds the limit of " + MAX_INDEX_BYTES);
            JsonNode root = SafeTensorsHeader.JSON.readTree(Files.readString(index));
            if (root == null || !root.isObject()) throw new ModelFormatException(index, "index is not a JSON object");
            return root;
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(index, "index is not valid JSON: " + SafeTensorsHeader.shown(String.valueOf(e.getOriginalMessage())), e);
        } catch (IOException e) {
            throw new ModelFormatException(index, "cannot read index: " + SafeTensorsFile.ioProblem(e), e);
        }
    }

    /** Shards must be files inside the index's directory: a hostile index must not point anywhere else. */
    private static Path shardPath(Path dir, String name, Path index, String where) {
        Path p;
        try {
            Path rel = Path.of(name);
            p = rel.isAbsolute() ? null : dir.resolve(rel).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            p = null;
        }
        if (name.isEmpty() || p == null || !p.startsWith(dir.normalize()) || p.equals(dir.normalize()))
            throw new ModelFormatException(index, where + ": shard " + SafeTensorsHeader.shown(name) + " is not a file name inside " + dir);
        return p;
    }

    /** The file or index this model was opened from. */
    public Path path() {
        return path;
    }

    /** The shards in order of first use in the weight map (one for a single file). */
    public List<SafeTensorsFile> shards() {
        return shards;
    }

    @Override
    public List<Path> files() {
        return shards.stream().map(SafeTensorsFile::path).toList();
    }

    /** The index's {@code metadata} (e.g. {@code total_size}) as text; empty for a single file. */
    public Map<String, String> indexMetadata() {
        return indexMetadata;
    }

    /** The first shard's {@code __metadata__} (HF writes the same map into every shard). */
    public Map<String, String> metadata() {
        return shards.isEmpty() ? Map.of() : shards.get(0).metadata();
    }

    /** Names in weight-map order (header order for a single file). */
    @Override
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    public int size() {
        return tensors.size();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new ModelFormatException(path, "no tensor named " + SafeTensorsHeader.shown(name));
        return t;
    }

    /** All tensors in {@link #names()} order. */
    public List<Tensor> tensors() {
        return new ArrayList<>(tensors.values());
    }

    /** Closes every shard (idempotent). */
    @Override
    public void close() {
        shards.forEach(SafeTensorsFile::close);
    }
}
