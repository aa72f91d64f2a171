package atelier.host.models;

import java.io.IOException;

/** A model store operation failed; {@link #kind()} tells a caller how to report it (and which exit code). */
public class ModelStoreException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** the name is not in the registry and is no file or folder */
        UNKNOWN_MODEL(true),
        /** a request the store cannot serve as asked (unknown variant, a different file already in place) */
        BAD_INPUT(true),
        /** a file's SHA-256 (or size) is not what the registry or the hub says */
        CHECKSUM(true),
        /** the model is not (completely) in the store */
        MISSING(false),
        /** the hub cannot be reached */
        OFFLINE(false),
        /** a download broke off and could not be resumed now (the partial file is kept for the next pull) */
        INTERRUPTED(false),
        /** the hub answered with an error */
        HUB(false),
        /** the user cancelled */
        CANCELLED(false),
        /** reading or writing the store failed */
        IO(false);

        private final boolean badInput;

        Kind(boolean badInput) { this.badInput = badInput; }

        /** Whether it is the user's input (name, file contents) rather than the environment that is wrong. */
        public boolean isBadInput() { return badInput; }
    }

    private final Kind kind;

    public ModelStoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ModelStoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() { return kind; }
}
