package dev.whittle.core.safetensors;

import dev.whittle.core.tensor.TensorSource;

import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model loader reads a sharded HF directory (written by our writer) exactly like the single-file original. */
class ShardedModelLoadingTest {
    @Test
    void shardedDirectoryLoadsLikeTheOriginal(@TempDir Path dir) throws IOException {
        Path original = Fixtures.storiesHf().getParent();
        try (Stream<Path> files = Files.list(original)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        try (SafeTensorsFile src = SafeTensorsFile.open(Fixtures.storiesHf())) {
            long total = src.tensors().stream().mapToLong(Tensor::byteSize).sum();
            Path index = new SafeTensorsWriter().metadata(src.metadata()).writeSharded(dir, src.tensors().stream().map(TensorSource::of).toList(), total / 2);
            assertEquals(SafeTensorsModel.INDEX_FILE, index.getFileName().toString());
        }
        try (Model a = ModelLoader.open(original); Model b = ModelLoader.open(dir)) {
            assertTrue(b.weightFiles().size() >= 2, "weights " + b.weightFiles());
            assertEquals(a.parameterCount(), b.parameterCount());
            assertEquals(List.copyOf(new java.util.TreeSet<>(a.tensorNames())), List.copyOf(new java.util.TreeSet<>(b.tensorNames())));
            for (String n : a.tensorNames()) assertTrue(ModelLoader.sameContents(a.tensor(n), b.tensor(n)), n);
        }
        try (Model c = ModelLoader.open(dir.resolve(SafeTensorsModel.INDEX_FILE))) {
            assertEquals(47, c.tensorNames().size());
        }
    }
}
