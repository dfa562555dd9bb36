package dev.whittle.core.tensor;

import java.nio.file.Path;
import java.util.List;

/** A set of named tensors backed by one or more files (a SafeTensors file, a sharded checkpoint). */
public interface TensorStore extends AutoCloseable {
    /** Names in file order. */
    List<String> names();

    Tensor tensor(String name);

    /** The files holding the data. */
    List<Path> files();

    @Override
    void close();
}
