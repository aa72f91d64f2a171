package atelier.imagej;

import atelier.api.CancellationToken;
import atelier.api.ProgressListener;
import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;
import atelier.api.TransferSession;

/**
 * One {@link TransferSession} for a whole Batch… run: while {@link Batch_} runs its macro, every Style Transfer
 * command the macro calls on that thread uses this session instead of opening its own, so the work that depends
 * only on the style (StyleID's style inversion, the style's latent statistics) is done once per folder, not once
 * per file. The session is closed when the batch ends, also when it fails or is cancelled. Outside a batch,
 * {@link #sessionFor} gives a fresh session that the command closes itself.
 */
final class BatchScope implements AutoCloseable {
    private static final ThreadLocal<BatchScope> CURRENT = new ThreadLocal<>();

    private final StyleTransferService service;
    private final TransferSession session;
    private final BatchScope outer;

    private BatchScope(StyleTransferService service) {
        this.service = service;
        this.session = service.openSession();
        this.outer = CURRENT.get();
    }

    /** Starts a batch on this thread; close it (try-with-resources) when the batch ends. */
    static BatchScope open(StyleTransferService service) {
        BatchScope scope = new BatchScope(service);
        CURRENT.set(scope);
        return scope;
    }

    /**
     * The session a command should use: the running batch's (wrapped so that the command's own close does not end
     * it) when a batch of the same service runs on this thread, else a new one.
     */
    static TransferSession sessionFor(StyleTransferService service) {
        BatchScope scope = CURRENT.get();
        if (scope == null || scope.service != service) {
            return service.openSession();
        }
        TransferSession shared = scope.session;
        return new TransferSession() {
            @Override
            public TransferResult transfer(TransferRequest request, ProgressListener progress,
                    CancellationToken cancel) throws TransferException {
                return shared.transfer(request, progress, cancel);
            }

            @Override
            public void close() {
                // the batch closes the shared session when it ends
            }
        };
    }

    @Override
    public void close() {
        try {
            session.close();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }
}
