package atelier.runtime.text;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.io.TensorInfo;
import atelier.runtime.io.TensorSource;

/** In-memory fp32 tensors filled from a seeded {@link Random}, for {@link ClipTextModel#random}. */
final class RandomTensorSource implements TensorSource {
    private final Random rnd;
    private final Map<String, float[]> data = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    RandomTensorSource(Random rnd) {
        this.rnd = rnd;
    }

    void normal(String key, float std, long... shape) {
        around(key, 0f, std, shape);
    }

    void around(String key, float mean, float std, long... shape) {
        float[] v = new float[Math.toIntExact(new Shape(shape).size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = mean + std * (float) rnd.nextGaussian();
        }
        data.put(key, v);
        shapes.put(key, shape.clone());
    }

    @Override
    public Set<String> keys() { return Collections.unmodifiableSet(data.keySet()); }

    @Override
    public TensorInfo info(String key) {
        long[] shape = shapes.get(key);
        if (shape == null) {
            throw new IllegalArgumentException("no tensor '" + key + "'");
        }
        return new TensorInfo(key, "F32", shape, 0, data.get(key).length * 4L);
    }

    @Override
    public NDArray load(String key, NDManager manager) {
        info(key);
        return manager.create(data.get(key), new Shape(shapes.get(key)));
    }
}
