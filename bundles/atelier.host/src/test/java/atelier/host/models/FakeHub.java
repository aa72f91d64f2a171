package atelier.host.models;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local imitation of the Hugging Face hub's file endpoints on 127.0.0.1: {@code HEAD|GET
 * /<repo>/resolve/<rev>/<path>}. Files "in LFS" answer with a redirect to {@code /cdn/<sha256>} and the
 * {@code X-Linked-Etag}/{@code X-Linked-Size} headers; files "in git" are served directly with their git blob id
 * as ETag. {@code /cdn/} honours {@code Range}. Failures can be injected.
 */
final class FakeHub implements AutoCloseable {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    /** One request as the server saw it. */
    record Seen(String method, String path, String range, String authorization) { }

    private record Hosted(byte[] served, String advertisedSha256, boolean lfs) { }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final String repo;
    private final Map<String, Hosted> files = new ConcurrentHashMap<>();
    private final Map<String, Hosted> bySha = new ConcurrentHashMap<>();
    private final Map<String, Long> cutOnce = new ConcurrentHashMap<>();
    private final Map<String, Long> stallOnce = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile int forcedStatus = 0;
    private volatile boolean ignoreRange;

    FakeHub(String repo) throws IOException {
        this.repo = repo;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Hosts a file kept in LFS (served through the redirect, with a SHA-256). */
    FakeHub lfs(String path, byte[] content) {
        return host(path, content, sha256(content), true);
    }

    /** Hosts a small file kept in git (ETag = git blob id). */
    FakeHub git(String path, byte[] content) {
        return host(path, content, null, false);
    }

    /** Hosts an LFS file whose advertised SHA-256 belongs to {@code advertised} but whose bytes are {@code served}. */
    FakeHub lfsLying(String path, byte[] advertised, byte[] served) {
        return host(path, served, sha256(advertised), true);
    }

    private FakeHub host(String path, byte[] content, String sha, boolean lfs) {
        Hosted h = new Hosted(content, sha, lfs);
        files.put(path, h);
        if (lfs) {
            bySha.put(sha, h);
        }
        return this;
    }

    /** The next download of {@code path} breaks off after {@code bytes} bytes (the connection is dropped). */
    void cutOnce(String path, long bytes) {
        cutOnce.put(sha256(files.get(path).served), bytes);
    }

    /** The next download of {@code path} stops sending after {@code bytes} bytes and holds the connection open. */
    void stallOnce(String path, long bytes) {
        stallOnce.put(sha256(files.get(path).served), bytes);
    }

    /** Every request answers with this status (0: normal). */
    void forceStatus(int status) {
        forcedStatus = status;
    }

    /** Whether the storage ignores {@code Range} and always sends the whole file with 200. */
    void ignoreRange(boolean ignore) {
        ignoreRange = ignore;
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    void clearSeen() {
        seen.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        seen.add(new Seen(method, path, ex.getRequestHeaders().getFirst("Range"),
                ex.getRequestHeaders().getFirst("Authorization")));
        try (ex) {
            if (forcedStatus != 0) {
                ex.sendResponseHeaders(forcedStatus, -1);
                return;
            }
            String prefix = "/" + repo + "/resolve/main/";
            if (path.startsWith(prefix)) {
                Hosted h = files.get(path.substring(prefix.length()));
                if (h == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
                if (h.lfs) {
                    ex.getResponseHeaders().add("X-Linked-Etag", "\"" + h.advertisedSha256 + "\"");
                    ex.getResponseHeaders().add("X-Linked-Size", Long.toString(h.served.length));
                    ex.getResponseHeaders().add("ETag", "\"" + h.advertisedSha256 + "\"");
                    ex.getResponseHeaders().add("Location", "/cdn/" + h.advertisedSha256);
                    ex.sendResponseHeaders(302, -1);
                } else {
                    ex.getResponseHeaders().add("ETag", "\"" + gitBlobSha1(h.served) + "\"");
                    send(ex, h.served, 0, method.equals("HEAD"), -1);
                }
                return;
            }
            if (path.startsWith("/cdn/")) {
                String sha = path.substring(5);
                Hosted h = bySha.get(sha);
                if (h == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                long from = 0;
                String range = ex.getRequestHeaders().getFirst("Range");
                if (range != null && !ignoreRange) {
                    from = Long.parseLong(range.replace("bytes=", "").replace("-", "").strip());
                    if (from >= h.served.length) {
                        ex.getResponseHeaders().add("Content-Range", "bytes */" + h.served.length);
                        ex.sendResponseHeaders(416, -1);
                        return;
                    }
                }
                Long stall = stallOnce.remove(sha);
                if (stall != null) {
                    ex.sendResponseHeaders(200, h.served.length);
                    ex.getResponseBody().write(h.served, 0, stall.intValue());
                    ex.getResponseBody().flush();
                    try {
                        Thread.sleep(20_000); // until the client gives up (or the server stops)
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IOException("fake hub: stalled on purpose");
                }
                Long cut = cutOnce.remove(sha);
                send(ex, h.served, from, method.equals("HEAD"), cut == null ? -1 : cut);
                return;
            }
            ex.sendResponseHeaders(404, -1);
        }
    }

    private static void send(HttpExchange ex, byte[] body, long from, boolean head, long cutAt) throws IOException {
        int start = (int) from;
        int len = body.length - start;
        if (from > 0) {
            ex.getResponseHeaders().add("Content-Range",
                    "bytes " + start + "-" + (body.length - 1) + "/" + body.length);
        }
        if (head) {
            ex.getResponseHeaders().add("Content-Length", Integer.toString(len));
            ex.sendResponseHeaders(from > 0 ? 206 : 200, -1);
            return;
        }
        ex.sendResponseHeaders(from > 0 ? 206 : 200, len);
        OutputStream os = ex.getResponseBody();
        if (cutAt >= 0) {
            os.write(body, start, (int) Math.min(len, cutAt - start));
            os.flush();
            // an exception out of the handler makes the server drop the connection mid-body
            throw new IOException("fake hub: connection cut on purpose");
        }
        os.write(body, start, len);
    }

    static String sha256(byte[] b) {
        try {
            return Digests.hex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String gitBlobSha1(byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return Digests.hex(md.digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
