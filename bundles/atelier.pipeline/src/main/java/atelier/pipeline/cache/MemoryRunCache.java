package atelier.pipeline.cache;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import ai.djl.ndarray.NDManager;
import atelier.api.spi.RunCache;

/**
 * A {@link RunCache} in memory. Tensors of cached values live in a sub-manager of the manager given at creation;
 * {@link #close()} closes every {@link AutoCloseable} value (newest first) and then that sub-manager. A loader runs
 * in a sub-manager of its own, so a loader that fails leaves nothing behind. Thread-safe; loaders run under the
 * cache's lock (values are computed once even when two runs ask at the same time).
 */
public final class MemoryRunCache implements RunCache, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MemoryRunCache.class.getName());

    private final NDManager manager;
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, NDManager> managers = new LinkedHashMap<>();
    private int hits;
    private int misses;
    private boolean closed;

    /** A cache whose tensors live under {@code parent} (a session's or a run's manager). */
    public MemoryRunCache(NDManager parent) {
        this.manager = Objects.requireNonNull(parent, "parent").newSubManager();
    }

    @Override
    public synchronized <T> T get(String key, Class<T> type, Loader<T> loader) throws Exception {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        if (closed) {
            throw new IllegalStateException("the run cache is closed (its session ended)");
        }
        Object v = values.get(key);
        if (v != null) {
            hits++;
            return type.cast(v);
        }
        misses++;
        NDManager m = manager.newSubManager();
        T value;
        try {
            value = Objects.requireNonNull(loader.load(m), "the cache loader for '" + key + "' returned null");
        } catch (Exception | Error e) {
            m.close();
            throw e;
        }
        values.put(key, value);
        managers.put(key, m);
        return value;
    }

    @Override
    public synchronized boolean contains(String key) {
        return values.containsKey(key);
    }

    /** Lookups that found a value. */
    public synchronized int hits() { return hits; }

    /** Lookups that ran the loader. */
    public synchronized int misses() { return misses; }

    /** Number of values held. */
    public synchronized int size() { return values.size(); }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Object[] keys = values.keySet().toArray();
        for (int i = keys.length - 1; i >= 0; i--) {
            Object v = values.get(keys[i]);
            if (v instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception | LinkageError e) {
                    LOG.log(System.Logger.Level.WARNING, "closing cached value '" + keys[i] + "' failed: " + e, e);
                }
            }
        }
        values.clear();
        managers.clear();
        manager.close();
    }
}
