package atelier.imagej;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import atelier.api.CancellationToken;
import atelier.api.ProgressListener;
import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;
import atelier.api.TransferSession;

/**
 * Runs one transfer on a worker thread while the calling thread (ImageJ's command thread, which a macro waits on)
 * polls for cancellation: when {@code cancelRequested} turns true (Esc in ImageJ) or the calling thread is
 * interrupted (macro aborted), the run's {@link CancellationToken} fires and the service stops at its next step.
 * The call returns only when the worker has finished, so a macro sees the result on its next line, and a
 * {@link TransferSession} the transfer ran in is idle again (it may be closed or used for the next transfer).
 * <p>
 * The transfer goes to a {@link Target}: a {@link TransferSession} (the command runs every plane and tile of one
 * invocation in one session, so work that depends only on the style is done once), a whole
 * {@link StyleTransferService} (each transfer on its own), or anything else with the same signature.
 */
public final class TransferRunner {
    private static final long POLL_MILLIS = 100;

    /** Where a transfer runs: {@code TransferSession::transfer}, {@code StyleTransferService::transfer}. */
    @FunctionalInterface
    public interface Target {
        /** Runs the transfer on the calling (worker) thread. */
        TransferResult transfer(TransferRequest request, ProgressListener progress, CancellationToken cancel)
                throws TransferException;
    }

    private final Target target;
    private final BooleanSupplier cancelRequested;

    /** Runs transfers through {@code target}. */
    public TransferRunner(Target target, BooleanSupplier cancelRequested) {
        this.target = target;
        this.cancelRequested = cancelRequested;
    }

    /** Runs transfers in {@code session}, sharing its cache; the caller opens and closes the session. */
    public TransferRunner(TransferSession session, BooleanSupplier cancelRequested) {
        this(session::transfer, cancelRequested);
    }

    /** Runs each transfer on its own, directly on the service. */
    public TransferRunner(StyleTransferService service, BooleanSupplier cancelRequested) {
        this(service::transfer, cancelRequested);
    }

    /**
     * @throws TransferException from the service, {@code CANCELLED} when cancelled, {@code INTERNAL} wrapping an
     *         unexpected exception of the worker
     */
    public TransferResult run(TransferRequest request, ProgressListener progress) throws TransferException {
        CancellationToken token = new CancellationToken();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "Atelier transfer " + request.strategyId());
            t.setDaemon(true);
            return t;
        });
        try {
            Future<TransferResult> future = worker.submit(() -> target.transfer(request, progress, token));
            boolean interrupted = false;
            while (true) {
                try {
                    return future.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (!token.isCancelled() && cancelRequested.getAsBoolean()) {
                        token.cancel();
                    }
                } catch (InterruptedException e) {
                    // keep waiting for the worker to stop cleanly, then restore the flag
                    token.cancel();
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof TransferException) {
                        throw (TransferException) cause;
                    }
                    throw new TransferException(TransferException.Kind.INTERNAL,
                            "the transfer failed: " + cause, cause);
                } finally {
                    if (interrupted && future.isDone()) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        } finally {
            worker.shutdown();
        }
    }
}
