package atelier.host.models;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Where models are downloaded from: a Hugging Face compatible hub. The base URL comes from the system property
 * {@value #PROPERTY}, else the environment variable {@value #ENV}, else {@value #DEFAULT_BASE}; an access token
 * for gated repositories from {@value #TOKEN_ENV}.
 */
public final class HubConfig {
    /** System property naming the hub's base URL. */
    public static final String PROPERTY = "atelier.hub";
    /** Environment variable naming the hub's base URL. */
    public static final String ENV = "ATELIER_HUB";
    /** Environment variable holding a bearer token for gated repositories. */
    public static final String TOKEN_ENV = "HF_TOKEN";
    /** The public Hugging Face hub. */
    public static final String DEFAULT_BASE = "https://huggingface.co";

    private final String base;
    private final String token;

    /** A hub at {@code base} (e.g. {@code https://huggingface.co}), with an optional bearer token. */
    public HubConfig(String base, String token) {
        Objects.requireNonNull(base, "hub base URL");
        String b = base.strip();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        URI u = URI.create(b);
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                || u.getHost() == null) {
            throw new IllegalArgumentException("hub base URL must be http(s)://host[:port][/path], got '" + base + "'");
        }
        this.base = b;
        this.token = token == null || token.isBlank() ? null : token.strip();
    }

    /** The hub configured by system property, environment, or the default. */
    public static HubConfig fromEnvironment() {
        String b = System.getProperty(PROPERTY);
        String from = "system property " + PROPERTY;
        if (b == null || b.isBlank()) {
            b = System.getenv(ENV);
            from = ENV;
        }
        if (b == null || b.isBlank()) {
            b = DEFAULT_BASE;
        }
        try {
            return new HubConfig(b, System.getenv(TOKEN_ENV));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(from + ": " + e.getMessage(), e);
        }
    }

    /** The base URL without a trailing slash. */
    public String base() { return base; }

    /** The bearer token, if one is configured. */
    public Optional<String> token() { return Optional.ofNullable(token); }

    /** The host the token may be sent to. */
    public String host() { return URI.create(base).getHost(); }

    /** {@code <base>/<repo>/resolve/<revision>/<path>}: where a file is downloaded from. */
    public URI fileUri(String repo, String revision, String path) {
        return URI.create(base + "/" + repo + "/resolve/" + encodeSegment(revision) + "/" + encodePath(path));
    }

    /** {@code <base>/<repo>}: the repository's page. */
    public String repoPage(String repo) {
        return base + "/" + repo;
    }

    private static String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (String seg : path.split("/", -1)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(encodeSegment(seg));
        }
        return sb.toString();
    }

    private static String encodeSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return base + (token == null ? "" : " (with token)");
    }
}
