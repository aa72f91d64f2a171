package atelier.runtime.sd.convert;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.io.TensorInfo;
import atelier.runtime.io.TensorSource;

/**
 * A view of a checkpoint under diffusers names. Keys are translated on lookup; the tensors stay in the
 * underlying source (memory-mapped) until a network loads them. Closing this view does not close the
 * underlying source, which several components share.
 */
public final class MappedTensorSource implements TensorSource {
    private final TensorSource base;
    private final KeyMapping mapping;
    private final String description;
    private Set<String> keys;

    /**
     * @param description names the checkpoint and component in error messages, e.g. "model.safetensors (unet)"
     */
    public MappedTensorSource(TensorSource base, KeyMapping mapping, String description) {
        this.base = base;
        this.mapping = mapping;
        this.description = description;
    }

    public KeyMapping mapping() { return mapping; }

    /** The checkpoint key for a diffusers name, or null. */
    public String sourceKey(String target) { return mapping.toSource(target); }

    @Override
    public synchronized Set<String> keys() {
        if (keys == null) {
            Set<String> out = new LinkedHashSet<>();
            for (String k : base.keys()) {
                for (String t : mapping.toTargets(k)) {
                    if (k.equals(mapping.toSource(t))) {
                        out.add(t);
                    }
                }
            }
            keys = Collections.unmodifiableSet(out);
        }
        return keys;
    }

    @Override
    public boolean contains(String key) {
        String s = mapping.toSource(key);
        return s != null && base.contains(s);
    }

    @Override
    public TensorInfo info(String key) {
        String s = mapping.toSource(key);
        if (s == null) {
            throw new IllegalArgumentException("tensor '" + key + "' has no counterpart in " + description);
        }
        if (!base.contains(s)) {
            throw new IllegalArgumentException("missing tensor '" + s + "' (diffusers name '" + key + "') in "
                    + description);
        }
        TensorInfo i = base.info(s);
        int[] block = mapping.rowBlock(key);
        if (block == null) {
            return new TensorInfo(key, i.dtype(), mapping.targetShape(key, i.shape()), i.offset(), i.length());
        }
        long[] shape = i.shape();
        if (shape.length == 0 || shape[0] % block[1] != 0) {
            throw new IllegalArgumentException("tensor '" + s + "' of shape " + Arrays.toString(shape)
                    + " cannot be split into " + block[1] + " blocks of rows for '" + key + "' in " + description);
        }
        long rows = shape[0] / block[1];
        long bytesPerRow = i.length() / shape[0];
        shape[0] = rows;
        return new TensorInfo(key, i.dtype(), mapping.targetShape(key, shape),
                i.offset() + block[0] * rows * bytesPerRow, rows * bytesPerRow);
    }

    @Override
    public NDArray load(String key, NDManager manager) {
        TensorInfo target = info(key);
        NDArray a = base.load(mapping.toSource(key), manager);
        int[] block = mapping.rowBlock(key);
        if (block != null) {
            long rows = a.getShape().get(0) / block[1];
            NDArray whole = a;
            NDArray view = whole.get((block[0] * rows) + ":" + ((block[0] + 1) * rows));
            a = view.duplicate();
            view.close();
            whole.close();
        }
        long[] want = target.shape();
        if (!Arrays.equals(a.getShape().getShape(), want)) {
            a = a.reshape(new Shape(want));
        }
        return a;
    }

    @Override
    public String toString() { return description; }
}
