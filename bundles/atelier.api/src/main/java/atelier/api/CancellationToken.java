package atelier.api;

import java.util.concurrent.atomic.AtomicBoolean;

/** Cooperative cancellation: hosts call {@link #cancel()}, workers poll between steps. */
public final class CancellationToken {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public void cancel() { cancelled.set(true); }

    public boolean isCancelled() { return cancelled.get(); }

    /** Throws {@link TransferException} of kind {@code CANCELLED} once {@link #cancel()} was called. */
    public void throwIfCancelled() throws TransferException {
        if (isCancelled()) {
            throw new TransferException(TransferException.Kind.CANCELLED, "cancelled");
        }
    }
}
