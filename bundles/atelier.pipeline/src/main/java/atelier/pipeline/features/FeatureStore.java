package atelier.pipeline.features;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.injection.FeatureKind;
import atelier.runtime.injection.FeatureSink;

/**
 * Per-timestep tensors of one run, keyed by {@link FeatureKey}. {@link #put} copies (the caller keeps its
 * array); {@link #get} hands out a float32 array in the caller's manager. Latents ({@link FeatureKind#LATENT})
 * are always kept in memory at full precision; features follow the {@link StorePolicy}:
 * fp32 in a native sub-manager, fp16 as half floats on the Java heap, disk as raw little-endian float32 files
 * in a temporary folder that {@link #close()} deletes, recompute refuses them (the strategy recomputes).
 * Not thread-safe: one run, one thread.
 */
public final class FeatureStore implements FeatureSink, AutoCloseable {
    private final StorePolicy policy;
    private final NDManager manager;
    private final Path tempRoot;
    private final Map<FeatureKey, NDArray> arrays = new HashMap<>();
    private final Map<FeatureKey, Packed> packed = new HashMap<>();
    private Path folder;
    private long featureBytes;
    private long latentBytes;
    private int files;
    private boolean closed;

    private record Packed(Shape shape, short[] half, Path file) { }

    private FeatureStore(StorePolicy policy, NDManager parent, Path tempRoot) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.manager = parent.newSubManager();
        this.tempRoot = tempRoot;
    }

    /** A store whose arrays live in a sub-manager of {@code parent}; disk files go to the system temp folder. */
    public static FeatureStore open(StorePolicy policy, NDManager parent) {
        return new FeatureStore(policy, parent, null);
    }

    /** As {@link #open(StorePolicy, NDManager)}, with disk files under {@code tempRoot}. */
    public static FeatureStore open(StorePolicy policy, NDManager parent, Path tempRoot) {
        return new FeatureStore(policy, parent, tempRoot);
    }

    public StorePolicy policy() { return policy; }

    /** The temporary folder of the disk policy, once something was written (null otherwise). */
    public Path folder() { return folder; }

    /** Bytes held: features (memory or disk) plus latents. */
    public long bytes() { return featureBytes + latentBytes; }

    public long featureBytes() { return featureBytes; }

    public long latentBytes() { return latentBytes; }

    public int size() { return arrays.size() + packed.size(); }

    /** {@link FeatureSink} form of {@link #put}. */
    @Override
    public void accept(String path, FeatureKind kind, int timestep, NDArray feature) {
        put(new FeatureKey(path, kind, timestep), feature);
    }

    /**
     * Stores a copy of {@code a} (float32) under {@code key}, replacing an earlier one.
     *
     * @throws IllegalStateException for a feature under the recompute policy, or after close
     */
    public void put(FeatureKey key, NDArray a) {
        checkOpen();
        if (a.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("feature " + key + " must be float32, got " + a.getDataType());
        }
        remove(key);
        long n = a.getShape().size();
        if (key.kind() == FeatureKind.LATENT || policy == StorePolicy.FP32) {
            NDArray copy = a.duplicate();
            copy.attach(manager);
            arrays.put(key, copy);
            if (key.kind() == FeatureKind.LATENT) {
                latentBytes += n * 4;
            } else {
                featureBytes += n * 4;
            }
            return;
        }
        switch (policy) {
            case FP16: {
                float[] f = a.toFloatArray();
                short[] h = new short[f.length];
                for (int i = 0; i < f.length; i++) {
                    h[i] = Half.fromFloat(f[i]);
                }
                packed.put(key, new Packed(a.getShape(), h, null));
                featureBytes += n * 2;
                return;
            }
            case DISK: {
                Path file = write(a);
                packed.put(key, new Packed(a.getShape(), null, file));
                featureBytes += n * 4;
                return;
            }
            case RECOMPUTE:
            default:
                throw new IllegalStateException("the recompute policy keeps no features (asked to store " + key
                        + "); the strategy must recompute them");
        }
    }

    public boolean contains(FeatureKey key) { return arrays.containsKey(key) || packed.containsKey(key); }

    /** The tensor at {@code key} as a new float32 array in {@code into}, or null if there is none. */
    public NDArray get(FeatureKey key, NDManager into) {
        checkOpen();
        NDArray a = arrays.get(key);
        if (a != null) {
            NDArray copy = a.duplicate();
            copy.attach(into);
            return copy;
        }
        Packed p = packed.get(key);
        if (p == null) {
            return null;
        }
        if (p.half() != null) {
            float[] f = new float[p.half().length];
            for (int i = 0; i < f.length; i++) {
                f[i] = Half.toFloat(p.half()[i]);
            }
            return into.create(f, p.shape());
        }
        return into.create(read(p.file(), p.shape()), p.shape());
    }

    /** {@link #get}, failing with the missing key when there is none. */
    public NDArray require(FeatureKey key, NDManager into) {
        NDArray a = get(key, into);
        if (a == null) {
            throw new IllegalStateException("feature store (" + policy + ") has no " + key);
        }
        return a;
    }

    private void remove(FeatureKey key) {
        NDArray old = arrays.remove(key);
        if (old != null) {
            long b = old.getShape().size() * 4;
            if (key.kind() == FeatureKind.LATENT) {
                latentBytes -= b;
            } else {
                featureBytes -= b;
            }
            old.close();
        }
        Packed p = packed.remove(key);
        if (p != null) {
            featureBytes -= p.shape().size() * (p.half() != null ? 2 : 4);
            if (p.file() != null) {
                try {
                    Files.deleteIfExists(p.file());
                } catch (IOException e) {
                    throw new UncheckedIOException("deleting " + p.file(), e);
                }
            }
        }
    }

    private Path write(NDArray a) {
        try {
            if (folder == null) {
                folder = tempRoot == null ? Files.createTempDirectory("atelier-features-")
                        : Files.createTempDirectory(tempRoot, "atelier-features-");
            }
            Path file = folder.resolve("f" + (files++) + ".f32");
            float[] f = a.toFloatArray();
            ByteBuffer buf = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(f);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("feature store: cannot write to the temporary folder "
                    + (folder == null ? "(not created)" : folder) + ": " + e.getMessage(), e);
        }
    }

    private static float[] read(Path file, Shape shape) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != shape.size() * 4) {
                throw new IllegalStateException("feature file " + file.getFileName() + " has " + bytes.length
                        + " bytes, expected " + shape.size() * 4 + " for " + shape);
            }
            float[] f = new float[(int) shape.size()];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("feature store: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("feature store is closed");
        }
    }

    /** Frees every array and deletes the disk policy's folder. Safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        arrays.clear();
        packed.clear();
        manager.close();
        if (folder != null) {
            try (Stream<Path> walk = Files.walk(folder)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalStateException("feature store: could not delete " + folder + ": " + e.getMessage(),
                        e);
            }
        }
    }
}
