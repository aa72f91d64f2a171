package atelier.runtime.io;

import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Named tensors, loaded on demand as fp32 (integers as int64). */
public interface TensorSource extends AutoCloseable {
    Set<String> keys();

    /** Dtype and shape of a tensor; throws {@link IllegalArgumentException} naming the key if absent. */
    TensorInfo info(String key);

    default boolean contains(String key) { return keys().contains(key); }

    /** Loads one tensor into {@code manager}, widened to FLOAT32 for floating types. */
    NDArray load(String key, NDManager manager);

    @Override
    default void close() { }
}
