package atelier.cli;

import atelier.api.TransferException;

/** The exit codes of every {@code atelier} command. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** Any failure that is not the user's input. */
    public static final int FAILURE = 1;
    /** Bad input: missing file, unreadable image, unknown strategy or parameter, out of range, bad model. */
    public static final int BAD_INPUT = 2;
    /** Stopped by Ctrl-C (the shell's convention, 128 + SIGINT). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() { }

    /** {@code BAD_INPUT} and {@code MODEL} are the user's to fix (2); cancellation is 130; the rest is 1. */
    public static int of(TransferException.Kind kind) {
        switch (kind) {
            case BAD_INPUT:
            case MODEL:
                return BAD_INPUT;
            case CANCELLED:
                return INTERRUPTED;
            default:
                return FAILURE;
        }
    }
}
