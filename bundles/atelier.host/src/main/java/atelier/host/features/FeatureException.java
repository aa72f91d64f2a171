package atelier.host.features;

/** A feature could not be read, verified, installed or uninstalled; the message names the feature and the file. */
public class FeatureException extends Exception {
    private static final long serialVersionUID = 1L;

    public FeatureException(String message) {
        super(message);
    }

    public FeatureException(String message, Throwable cause) {
        super(message, cause);
    }
}
