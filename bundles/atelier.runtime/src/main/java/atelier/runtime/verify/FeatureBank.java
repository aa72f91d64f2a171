package atelier.runtime.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Tensors recorded during one run, keyed by (module path, kind, step index), each with the row labels of the
 * call it came from, so that a later run can take the rows it needs by label. Owns its manager.
 */
public final class FeatureBank implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, Entry> entries = new HashMap<>();

    /** A recorded tensor and the labels of its batch rows. */
    private record Entry(NDArray array, List<String> rows) { }

    public FeatureBank(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    private static String key(String path, String kind, int step) {
        return path + "#" + kind + "@" + step;
    }

    /** Keeps a copy of {@code array} (which may belong to a step that ends soon). */
    public void put(String path, String kind, int step, NDArray array, List<String> rows) {
        if (array.getShape().get(0) != rows.size()) {
            throw new IllegalArgumentException(path + " " + kind + ": " + array.getShape().get(0) + " rows but "
                    + rows.size() + " labels " + rows);
        }
        NDArray copy = array.duplicate();
        copy.attach(manager);
        Entry old = entries.put(key(path, kind, step), new Entry(copy, List.copyOf(rows)));
        if (old != null) {
            old.array.close();
        }
    }

    public boolean has(String path, String kind, int step) {
        return entries.containsKey(key(path, kind, step));
    }

    /**
     * The recorded tensor with its rows arranged for a call whose rows are {@code rows} (row i of the result is
     * the recorded row with label {@code rows.get(i)}), in {@code into}.
     *
     * @throws IllegalStateException when nothing was recorded there or a label is missing
     */
    public NDArray get(String path, String kind, int step, List<String> rows, NDManager into) {
        Entry e = entries.get(key(path, kind, step));
        if (e == null) {
            throw new IllegalStateException("nothing recorded for " + kind + " at " + path + ", step " + step);
        }
        if (e.rows.equals(rows)) {
            NDArray d = e.array.duplicate();
            d.attach(into);
            return d;
        }
        List<NDArray> picked = new ArrayList<>();
        for (String label : rows) {
            int i = e.rows.indexOf(label);
            if (i < 0) {
                throw new IllegalStateException(kind + " at " + path + ", step " + step + " was recorded for rows "
                        + e.rows + ", which have no '" + label + "' row");
            }
            picked.add(e.array.get(i + ":" + (i + 1)));
        }
        NDArray out = NDArrays.concat(new NDList(picked.toArray(new NDArray[0])), 0);
        out.attach(into);
        picked.forEach(NDArray::close);
        return out;
    }

    public int size() { return entries.size(); }

    @Override
    public void close() {
        entries.clear();
        manager.close();
    }
}
