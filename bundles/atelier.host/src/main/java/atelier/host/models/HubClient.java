package atelier.host.models;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The hub's HTTP interface, as the Hugging Face hub serves it:
 * <ul>
 *   <li>{@code HEAD <base>/<repo>/resolve/<revision>/<path>}, redirects not followed: a file kept in LFS answers
 *   (usually with a redirect to its storage) with {@code X-Linked-Etag: "<sha256>"} and {@code X-Linked-Size};
 *   a small file kept in git answers with {@code ETag: "<git blob sha1>"} and {@code Content-Length};
 *   {@code X-Repo-Commit} names the resolved commit;</li>
 *   <li>{@code GET} on the same URL, following redirects, with {@code Range: bytes=<from>-} to resume.</li>
 * </ul>
 * The bearer token is sent only to the hub's own host, never to the storage a redirect leads to.
 */
final class HubClient {
    private static final int MAX_REDIRECTS = 10;
    private static final String USER_AGENT = "atelier-model-store/1.0";

    private final HubConfig hub;
    private final int connectMillis;
    private final int readMillis;

    HubClient(HubConfig hub, Duration connectTimeout, Duration readTimeout) {
        this.hub = Objects.requireNonNull(hub);
        this.connectMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        this.readMillis = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
    }

    HubConfig config() { return hub; }

    /**
     * Asks the hub for a file's digest and size.
     *
     * @throws HubStatusException on an HTTP error
     * @throws IOException        when the hub cannot be reached
     */
    RemoteFile describe(String repo, String revision, String path) throws IOException {
        URI uri = hub.fileUri(repo, revision, path);
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpURLConnection c = connect(current, "HEAD", -1);
            try {
                int code = c.getResponseCode();
                String linkedEtag = c.getHeaderField("X-Linked-Etag");
                String location = c.getHeaderField("Location");
                if (isRedirect(code) && linkedEtag == null && location != null
                        && sameHost(current.resolve(location))) {
                    current = current.resolve(location); // e.g. a renamed repository: follow on the hub
                    continue;
                }
                if (code >= 400) {
                    throw new HubStatusException(code, uri, hub.token().isPresent());
                }
                String etag = unquote(linkedEtag != null ? linkedEtag : c.getHeaderField("ETag"));
                long size = parseLong(c.getHeaderField("X-Linked-Size"));
                if (size < 0 && !isRedirect(code)) {
                    size = parseLong(c.getHeaderField("Content-Length"));
                }
                String sha256 = Digests.isSha256(etag) ? etag.toLowerCase(Locale.ROOT) : null;
                String sha1 = sha256 == null && Digests.isSha1(etag) ? etag.toLowerCase(Locale.ROOT) : null;
                return new RemoteFile(uri, sha256, sha1, size, c.getHeaderField("X-Repo-Commit"));
            } finally {
                c.disconnect();
            }
        }
        throw new IOException("more than " + MAX_REDIRECTS + " redirects for " + uri);
    }

    /** An open download: status 200 (whole file) or 206 (from the requested offset). */
    static final class Download implements Closeable {
        final int status;
        final long contentLength;
        final String contentRange;
        final InputStream body;
        private final HttpURLConnection conn;

        Download(int status, HttpURLConnection conn) throws IOException {
            this.status = status;
            this.conn = conn;
            this.contentLength = parseLong(conn.getHeaderField("Content-Length"));
            this.contentRange = conn.getHeaderField("Content-Range");
            this.body = status < 400 ? conn.getInputStream() : null;
        }

        /** Aborts the transfer (also from another thread). */
        void abort() {
            conn.disconnect();
        }

        @Override
        public void close() {
            try {
                if (body != null) {
                    body.close();
                }
            } catch (IOException ignored) {
                // closing a broken stream
            } finally {
                conn.disconnect();
            }
        }
    }

    /**
     * Starts downloading {@code uri} from byte {@code from} (0: whole file), following redirects.
     *
     * @throws HubStatusException on an HTTP error other than 416 (returned, so the caller can restart)
     */
    Download open(URI uri, long from) throws IOException {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpURLConnection c = connect(current, "GET", from);
            int code;
            try {
                code = c.getResponseCode();
            } catch (IOException e) {
                c.disconnect();
                throw e;
            }
            if (isRedirect(code)) {
                String location = c.getHeaderField("Location");
                c.disconnect();
                if (location == null) {
                    throw new IOException("redirect without Location from " + current);
                }
                current = current.resolve(location);
                continue;
            }
            if (code == 200 || code == 206 || code == 416) {
                return new Download(code, c);
            }
            c.disconnect();
            throw new HubStatusException(code, current, hub.token().isPresent() && sameHost(current));
        }
        throw new IOException("more than " + MAX_REDIRECTS + " redirects for " + uri);
    }

    private HttpURLConnection connect(URI uri, String method, long rangeFrom) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setInstanceFollowRedirects(false);
        c.setConnectTimeout(connectMillis);
        c.setReadTimeout(readMillis);
        c.setRequestMethod(method);
        c.setUseCaches(false);
        c.setRequestProperty("User-Agent", USER_AGENT);
        c.setRequestProperty("Accept-Encoding", "identity"); // sizes and ranges refer to the stored bytes
        if (rangeFrom > 0) {
            c.setRequestProperty("Range", "bytes=" + rangeFrom + "-");
        }
        if (hub.token().isPresent() && sameHost(uri)) {
            c.setRequestProperty("Authorization", "Bearer " + hub.token().get());
        }
        return c;
    }

    private boolean sameHost(URI uri) {
        return uri.getHost() != null && uri.getHost().equalsIgnoreCase(hub.host());
    }

    private static boolean isRedirect(int code) {
        return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    static long parseLong(String s) {
        if (s == null) {
            return -1;
        }
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String unquote(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }
}
