package atelier.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Several transfers that belong together, e.g. every plane of a stack or every image of a folder stylised with one
 * style. Runs of one session share a cache ({@link atelier.api.spi.RunContext#cache()}), so work that depends only
 * on the style, the model and the settings (StyleID's style inversion, a style's latent statistics) is done once.
 * {@link #close()} frees everything the cache holds, native memory included. A session is used from one thread at a
 * time; results are identical to separate transfers.
 */
@ProviderType
public interface TransferSession extends AutoCloseable {

    /** Runs a transfer, like {@link StyleTransferService#transfer}, with this session's cache. */
    TransferResult transfer(TransferRequest request, ProgressListener progress, CancellationToken cancel)
            throws TransferException;

    /** Frees the cache. Never throws. */
    @Override
    void close();
}
