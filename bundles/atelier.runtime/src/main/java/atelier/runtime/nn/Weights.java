package atelier.runtime.nn;

import java.util.Arrays;
import java.util.function.BiConsumer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.io.TensorSource;

/**
 * A view of a {@link TensorSource} under a key prefix (diffusers module path), loading into the model's
 * manager. A missing tensor or a shape mismatch is an error that names the full key and both shapes.
 *
 * <p>A second mode, {@link #random(NDManager, long)}, has no source at all: every {@link #get} returns a fresh
 * tensor of the expected shape drawn from N(0, 0.02²) (one-dimensional {@code …weight} tensors, the norm gains,
 * from N(1, 0.02²)), so that a full-size architecture can be built in memory for benchmarks and tests.
 */
public final class Weights {
    private static final float RANDOM_STD = 0.02f;

    private final TensorSource source;
    private final Long seed;
    private final BiConsumer<String, long[]> onRandom;
    private final String prefix;
    private final NDManager manager;

    public Weights(TensorSource source, String prefix, NDManager manager) {
        this(source, null, null, prefix, manager);
    }

    private Weights(TensorSource source, Long seed, BiConsumer<String, long[]> onRandom, String prefix,
            NDManager manager) {
        this.source = source;
        this.seed = seed;
        this.onRandom = onRandom;
        this.prefix = prefix;
        this.manager = manager;
    }

    /**
     * Random weights of whatever shape is asked for. Each tensor is seeded from {@code seed} and its key, so the
     * result does not depend on the loading order. Note: this re-seeds the engine's global random generator.
     */
    public static Weights random(NDManager manager, long seed) {
        return new Weights(null, seed, null, "", manager);
    }

    /**
     * Random weights that also report every key and shape asked for, in loading order: the list of tensors an
     * architecture expects (e.g. to write a checkpoint for it).
     */
    public static Weights random(NDManager manager, long seed, BiConsumer<String, long[]> onTensor) {
        return new Weights(null, seed, onTensor, "", manager);
    }

    /** The view one level down: {@code sub("up_blocks.1")} reads {@code <prefix>up_blocks.1.<name>}. */
    public Weights sub(String name) {
        return new Weights(source, seed, onRandom, prefix + name + ".", manager);
    }

    public String prefix() { return prefix; }

    public NDManager manager() { return manager; }

    /** True in random mode. */
    public boolean isRandom() { return source == null; }

    /** Whether the source holds the tensor; always false in random mode (so the standard names are used). */
    public boolean has(String name) { return source != null && source.contains(prefix + name); }

    /** The stored shape of a tensor that {@link #has} reports present. */
    public long[] shape(String name) {
        if (!has(name)) {
            throw new WeightsException("missing tensor '" + prefix + name + "'");
        }
        return source.info(prefix + name).shape();
    }

    /** Loads a tensor and checks its shape; {@code -1} in {@code expected} accepts any size there. */
    public NDArray get(String name, long... expected) {
        String key = prefix + name;
        if (source == null) {
            return randomTensor(key, expected);
        }
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

    /** Loads a tensor if present (e.g. an optional bias), else null. Always null in random mode. */
    public NDArray optional(String name, long... expected) {
        return has(name) ? get(name, expected) : null;
    }

    private NDArray randomTensor(String key, long[] expected) {
        for (long d : expected) {
            if (d < 0) {
                throw new IllegalArgumentException("random weights need a fully specified shape for '" + key
                        + "', got " + Arrays.toString(expected));
            }
        }
        if (expected.length == 0) {
            throw new IllegalArgumentException("random weights need a shape for '" + key + "'");
        }
        if (onRandom != null) {
            onRandom.accept(key, expected.clone());
        }
        long s = seed * 0x9E3779B97F4A7C15L + key.hashCode();
        manager.getEngine().setRandomSeed((int) (s ^ (s >>> 32)) & 0x7fffffff);
        NDArray a = manager.randomNormal(0f, RANDOM_STD, new Shape(expected), DataType.FLOAT32);
        if (expected.length == 1 && key.endsWith("weight")) {
            a.addi(1f);
        }
        return a;
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
