package atelier.api;

/** Why a transfer did not produce a result. {@link Kind} lets hosts map it to exit codes and dialogs. */
public class TransferException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The broad cause. */
    public enum Kind {
        /** The request was wrong: missing file, unknown strategy or parameter, value out of range. */
        BAD_INPUT,
        /** A model is missing or failed its checksum. */
        MODEL,
        /** The user cancelled. */
        CANCELLED,
        /** A strategy threw; the message names the strategy and its bundle. */
        STRATEGY_FAILED,
        /** Anything else. */
        INTERNAL
    }

    private final Kind kind;

    public TransferException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public TransferException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() { return kind; }
}
