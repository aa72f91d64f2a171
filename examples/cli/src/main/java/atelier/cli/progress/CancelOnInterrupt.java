package atelier.cli.progress;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import atelier.api.CancellationToken;

/**
 * Turns Ctrl-C into a clean cancellation: a shutdown hook fires the run's {@link CancellationToken} and then
 * waits (up to a grace period) for the run to stop, so that temporary files are removed and the message
 * "cancelled" is printed before the JVM exits. Close it when the run ends; the hook is then removed.
 */
public final class CancelOnInterrupt implements AutoCloseable {
    private static final long GRACE_SECONDS = 30;

    private final CancellationToken token;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean fired;

    public CancelOnInterrupt(CancellationToken token, PrintStream err) {
        this.token = token;
        this.hook = new Thread(() -> {
            fired = true;
            err.println();
            err.println("atelier: interrupted, cancelling (waiting up to " + GRACE_SECONDS + " s for the run to stop)");
            err.flush();
            token.cancel();
            try {
                finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "atelier-cancel-on-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The token the hook fires. */
    public CancellationToken token() { return token; }

    /** Whether the JVM is shutting down because of an interrupt (the hook ran). */
    public boolean fired() { return fired; }

    @Override
    public void close() {
        finished.countDown();
        if (!fired) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting; the hook will find the latch open
            }
        }
    }
}
