package atelier.runtime.testutil;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.io.TensorInfo;
import atelier.runtime.io.TensorSource;

/** Float tensors held in Java arrays. */
public final class MapTensorSource implements TensorSource {
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, float[]> data = new LinkedHashMap<>();

    public MapTensorSource put(String name, long[] shape, float[] values) {
        shapes.put(name, shape.clone());
        data.put(name, values);
        return this;
    }

    public MapTensorSource remove(String name) {
        shapes.remove(name);
        data.remove(name);
        return this;
    }

    public float[] values(String name) { return data.get(name); }

    @Override
    public Set<String> keys() { return shapes.keySet(); }

    @Override
    public TensorInfo info(String key) {
        if (!shapes.containsKey(key)) {
            throw new IllegalArgumentException("no tensor '" + key + "'");
        }
        return new TensorInfo(key, "F32", shapes.get(key), 0, data.get(key).length * 4L);
    }

    @Override
    public NDArray load(String key, NDManager manager) {
        return manager.create(data.get(key), new Shape(shapes.get(key)));
    }
}
