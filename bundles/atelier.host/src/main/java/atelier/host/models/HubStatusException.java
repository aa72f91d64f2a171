package atelier.host.models;

import java.net.URI;

/** The hub answered a request with an HTTP error status. */
public final class HubStatusException extends ModelStoreException {
    private static final long serialVersionUID = 1L;

    private final int status;

    HubStatusException(int status, URI uri, boolean withToken) {
        super(Kind.HUB, describe(status, uri, withToken));
        this.status = status;
    }

    /** The HTTP status code. */
    public int status() { return status; }

    private static String describe(int status, URI uri, boolean withToken) {
        String what = switch (status) {
            case 401, 403 -> withToken
                    ? "access denied although " + HubConfig.TOKEN_ENV + " is set: accept the model's licence on its"
                      + " hub page with that account, or check the token"
                    : "access denied: the repository may be gated (accept its licence on the hub page and set "
                      + HubConfig.TOKEN_ENV + " to an access token) or may not exist";
            case 404 -> "not found (no such repository, revision or file)";
            case 429 -> "too many requests; try again later";
            default -> status >= 500 ? "the hub has a problem; try again later" : "unexpected answer";
        };
        return "hub answered HTTP " + status + " for " + uri + ": " + what;
    }
}
