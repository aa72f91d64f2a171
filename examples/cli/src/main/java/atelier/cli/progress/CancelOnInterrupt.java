package atelier.cli.progress;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import atelier.api.CancellationToken;

/**
 * Turns Ctrl-C into a clean cancellation: a shutdown hook fires the run's {@link CancellationToken}, waits (up to a
 * grace period) until the command has stopped and cleaned up (this object is closed), and then prints
 * "cancelled". The JVM ends with the signal's status (130 for Ctrl-C) once the hook returns.
 * Close it when the command ends; the hook is then removed.
 */
public final class CancelOnInterrupt implements AutoCloseable {
    private static final long GRACE_SECONDS = 30;
    private static volatile boolean firedInThisJvm;

    private final CancellationToken token;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean fired;
    private volatile boolean succeeded;

    public CancelOnInterrupt(CancellationToken token, PrintStream err) {
        this.token = token;
        this.hook = new Thread(() -> {
            fired = true;
            firedInThisJvm = true;
            err.println();
            err.println("atelier: interrupted, stopping (waiting up to " + GRACE_SECONDS + " s)");
            err.flush();
            token.cancel();
            try {
                if (!finished.await(GRACE_SECONDS, TimeUnit.SECONDS)) {
                    err.println("atelier: the run did not stop in " + GRACE_SECONDS + " s; exiting anyway");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.println(succeeded ? "atelier: interrupted after the work was done" : "atelier: cancelled");
            err.flush();
        }, "atelier-cancel-on-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Whether a Ctrl-C hook fired in this JVM (it then reports the cancellation itself). */
    public static boolean firedInThisJvm() { return firedInThisJvm; }

    /** The token the hook fires. */
    public CancellationToken token() { return token; }

    /** Whether the JVM is shutting down because of an interrupt (the hook ran). */
    public boolean fired() { return fired; }

    /** Marks the command's work as done (an interrupt after this point cancels nothing). */
    public void succeeded() { succeeded = true; }

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
