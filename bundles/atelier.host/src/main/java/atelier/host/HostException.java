package atelier.host;

/** The host could not start, find a service or change a bundle; the message says what and why. */
public class HostException extends Exception {
    private static final long serialVersionUID = 1L;

    public HostException(String message) {
        super(message);
    }

    public HostException(String message, Throwable cause) {
        super(message, cause);
    }
}
