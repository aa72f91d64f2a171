package atelier.runtime.nn;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.runtime.io.TensorSource;

/**
 * A view of a {@link TensorSource} under a key prefix (diffusers module path), loading into the model's
 * manager. A missing tensor or a shape mismatch is an error that names the full key and both shapes.
 */
public final class Weights {
    private final TensorSource source;
    private final String prefix;
    private final NDManager manager;

    public Weights(TensorSource source, String prefix, NDManager manager) {
        this.source = source;
        this.prefix = prefix;
        this.manager = manager;
    }

    /** The view one level down: {@code sub("up_blocks.1")} reads {@code <prefix>up_blocks.1.<name>}. */
    public Weights sub(String name) {
        return new Weights(source, prefix + name + ".", manager);
    }

    public String prefix() { return prefix; }

    public NDManager manager() { return manager; }

    public boolean has(String name) { return source.contains(prefix + name); }

    /** Loads a tensor and checks its shape; {@code -1} in {@code expected} accepts any size there. */
    public NDArray get(String name, long... expected) {
        String key = prefix + name;
        if (!source.contains(key)) {
            throw new WeightsException("missing tensor '" + key + "'" + (expected.length > 0
                    ? " (expected shape " + Arrays.toString(expected) + ")" : ""));
        }
        long[] actual = source.info(key).shape();
        if (expected.length > 0 && !matches(expected, actual)) {
            throw new WeightsException("tensor '" + key + "' has shape " + Arrays.toString(actual)
                    + " but the model config expects " + Arrays.toString(expected));
        }
        return source.load(key, manager);
    }

    /** Loads a tensor if present (e.g. an optional bias), else null. */
    public NDArray optional(String name, long... expected) {
        return has(name) ? get(name, expected) : null;
    }

    private static boolean matches(long[] expected, long[] actual) {
        if (expected.length != actual.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] >= 0 && expected[i] != actual[i]) {
                return false;
            }
        }
        return true;
    }

    /** A weight is missing or has the wrong shape. */
    public static final class WeightsException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public WeightsException(String message) { super(message); }
    }
}
