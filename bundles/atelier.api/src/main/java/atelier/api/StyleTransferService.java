package atelier.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The one entry point hosts use: list the installed strategies and run a transfer. */
@ProviderType
public interface StyleTransferService {

    /** The strategies installed right now, sorted by id. Changes as bundles come and go. */
    List<StrategyInfo> strategies();

    /** One strategy by id. */
    Optional<StrategyInfo> strategy(String id);

    /**
     * Runs a transfer on the calling thread.
     *
     * @throws TransferException with {@link TransferException.Kind#BAD_INPUT} for an unknown strategy, an unknown
     *         parameter or a value out of range; {@code CANCELLED} when {@code cancel} fired; {@code STRATEGY_FAILED}
     *         when the strategy threw (the message names it and its bundle).
     */
    TransferResult transfer(TransferRequest request, ProgressListener progress, CancellationToken cancel)
            throws TransferException;

    /**
     * Opens a session whose runs share a cache (see {@link TransferSession}); close it when the related transfers
     * are done. The default implementation shares nothing: each transfer runs on its own.
     *
     * @since 1.1
     */
    default TransferSession openSession() {
        StyleTransferService service = this;
        return new TransferSession() {
            @Override
            public TransferResult transfer(TransferRequest request, ProgressListener progress,
                    CancellationToken cancel) throws TransferException {
                return service.transfer(request, progress, cancel);
            }

            @Override
            public void close() { }
        };
    }
}
