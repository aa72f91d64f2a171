package atelier.strategy.styleid;

import java.nio.file.Path;
import java.util.Objects;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.pipeline.features.FeatureKey;
import atelier.pipeline.features.FeatureStore;
import atelier.pipeline.features.StorePolicy;

/**
 * The style half of StyleID, computed once and shared by every generation that uses the same style, size and
 * settings (every tile of a large image, every plane of a stack): the style latent's DDIM trajectory, the attn1
 * inputs captured while inverting it (in a {@link FeatureStore} of the run's policy; only the latents under
 * {@code recompute}) and the inverted latent z_T whose statistics AdaIN gives the initial latent.
 * <p>
 * Reads hand out copies in the caller's manager, so nothing computed during a generation lands in the manager this
 * value lives in (a run cache's, say). Reads are synchronized, so runs in parallel may share one value.
 * {@link #close()} frees the tensors and deletes the disk policy's folder.
 */
public final class StyleSide implements AutoCloseable {
    private final FeatureStore store;
    private final NDArray inverted;
    private final Shape latentShape;
    private final String signature;
    private boolean closed;

    StyleSide(FeatureStore store, NDArray inverted, Shape latentShape, String signature) {
        this.store = Objects.requireNonNull(store, "store");
        this.inverted = Objects.requireNonNull(inverted, "inverted");
        this.latentShape = latentShape;
        this.signature = signature;
    }

    /** Shape of the style latent it was computed from (generations must use latents of this shape). */
    public Shape latentShape() { return latentShape; }

    /** The store policy of its features. */
    public StorePolicy policy() { return store.policy(); }

    /** The settings that shaped it ({@code steps=…, start=…, layers=[…]}). */
    public String signature() { return signature; }

    /** The disk policy's temporary folder (deleted by {@link #close()}), or null when nothing is on disk. */
    public synchronized Path folder() { return store.folder(); }

    /** A stored tensor (style latent at t, or a captured feature), copied into {@code into}. */
    public synchronized NDArray require(FeatureKey key, NDManager into) {
        checkOpen();
        return store.require(key, into);
    }

    /** The inverted style latent z_T, copied into {@code into}. */
    public synchronized NDArray invertedLatent(NDManager into) {
        checkOpen();
        NDArray copy = inverted.duplicate();
        copy.attach(into);
        return copy;
    }

    /** Bytes its store holds (features and latent trajectory). */
    public synchronized long bytes() { return store.bytes(); }

    /** Bytes of its features alone. */
    public synchronized long featureBytes() { return store.featureBytes(); }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the StyleID style side is closed (its run or session ended)");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        inverted.close();
        store.close();
    }
}
