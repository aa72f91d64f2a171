package atelier.runtime.hooks;

/** A hook processor threw a checked exception; the message names the hook path. */
public final class HookException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HookException(String message, Throwable cause) {
        super(message, cause);
    }
}
