package atelier.cli;

/**
 * A failure the command reports as one line and an exit code, without a stack trace
 * (unless {@code --debug} is given).
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Bad input: a missing or unreadable file, an unknown strategy or parameter, a value out of range. */
    public static CliException badInput(String message) {
        return new CliException(ExitCodes.BAD_INPUT, message);
    }

    public int exitCode() { return exitCode; }
}
