package atelier.api.spi;

import ai.djl.ndarray.NDManager;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Values a strategy computes once and reuses across the runs of one {@link atelier.api.TransferSession} (every
 * plane of a stack, every tile of a large image): a style's inversion, its latent statistics. Outside a session the
 * cache lives as long as the run.
 * <p>
 * The key must name everything the value depends on (strategy, model file, the style's
 * {@link atelier.api.FloatImage#fingerprint() fingerprint}, size, every setting that changes it): a stale hit gives a
 * wrong picture silently. Tensors of a value must be created in (or attached to) the manager the loader receives,
 * which lives until the cache is dropped; a value that is {@link AutoCloseable} is closed then too. Values should
 * not hold classes whose bundle may be updated while the session lasts longer than one command.
 */
@ProviderType
public interface RunCache {

    /**
     * The value cached under {@code key}, or the loader's value, which is then kept. A loader that throws caches
     * nothing.
     *
     * @throws ClassCastException when the key holds a value of another type
     * @throws Exception          whatever the loader throws
     */
    <T> T get(String key, Class<T> type, Loader<T> loader) throws Exception;

    /** Whether {@code key} holds a value now. */
    boolean contains(String key);

    /** Computes a value; its tensors belong in {@code manager}. */
    @FunctionalInterface
    interface Loader<T> {
        T load(NDManager manager) throws Exception;
    }
}
