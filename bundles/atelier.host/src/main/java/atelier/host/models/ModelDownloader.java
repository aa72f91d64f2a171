package atelier.host.models;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import atelier.api.CancellationToken;

/**
 * Downloads registered models into the store from a Hugging Face compatible hub ({@link HubConfig}).
 *
 * <p>For each file not yet in place: ask the hub for its SHA-256 and size ({@code HEAD …/resolve/…}, see
 * {@link HubClient}); refuse early when the registry fixes another digest; download into
 * {@code <target>.part}, resuming an earlier partial download with {@code Range: bytes=<have>-} (a server that
 * answers 200 instead of 206 is read from the start); verify the SHA-256 (a mismatch deletes the part file and
 * fails naming both digests); move the part into place atomically and record it in the folder's
 * {@link Manifest}. Files already in place are checked, never overwritten. Small files the hub keeps in git
 * (configs, tokenizer files) come with a git blob id instead of a SHA-256; that is checked instead.</p>
 */
public final class ModelDownloader {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int BUFFER = 1 << 16;
    private static final long PROGRESS_EVERY_NANOS = 100_000_000L;

    /**
     * Network settings.
     *
     * @param connectTimeout how long to wait for a connection
     * @param readTimeout    how long a transfer may stall before it counts as interrupted
     * @param retries        how many times an interrupted download is resumed within one pull
     * @param retryPause     pause before the first resume (doubled for each further one)
     */
    public record Options(Duration connectTimeout, Duration readTimeout, int retries, Duration retryPause) {
        public Options {
            Objects.requireNonNull(connectTimeout);
            Objects.requireNonNull(readTimeout);
            Objects.requireNonNull(retryPause);
            if (retries < 0) {
                throw new IllegalArgumentException("retries must be >= 0, got " + retries);
            }
        }

        /** 20 s to connect, 60 s of stall, 3 resumes. */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(20), Duration.ofSeconds(60), 3, Duration.ofSeconds(2));
        }
    }

    /** What a pull did with one file. */
    public enum Action {
        /** fetched (or finished fetching) and verified */
        DOWNLOADED,
        /** already in place with the expected digest */
        ALREADY_PRESENT,
        /** in place, but nothing to check it against (hub unreachable, no digest published) */
        KEPT_UNVERIFIED
    }

    /**
     * @param path    the file's path in the model folder
     * @param action  what was done
     * @param sha256  its SHA-256
     * @param bytes   its size
     * @param variant the variant placed, or {@code null} for the default form
     */
    public record FileOutcome(String path, Action action, String sha256, long bytes, String variant) { }

    /** The outcome of a pull, one line per file of the model. */
    public record PullResult(ModelEntry entry, Path folder, List<FileOutcome> files) { }

    private final ModelStore store;
    private final HubClient client;
    private final Options options;

    /** A downloader for {@code store}'s hub with default options. */
    public ModelDownloader(ModelStore store) {
        this(store, Options.defaults());
    }

    public ModelDownloader(ModelStore store, Options options) {
        this.store = Objects.requireNonNull(store);
        this.options = Objects.requireNonNull(options);
        this.client = new HubClient(store.hub(), options.connectTimeout(), options.readTimeout());
    }

    /** Pulls the registered model called {@code name}; see {@link #pull(ModelEntry, String, ProgressSink, CancellationToken)}. */
    public PullResult pull(String name, String variant, ProgressSink sink, CancellationToken cancel)
            throws ModelStoreException {
        return pull(store.registry().require(name), variant, sink, cancel);
    }

    /**
     * Brings every file of {@code entry} into the store, verified.
     *
     * @param variant e.g. {@code fp16}: fetch that form of the files published in it (stored under the usual
     *                name; the manifest records the variant); {@code null} for the default form
     * @throws ModelStoreException {@code BAD_INPUT} (unknown variant, a different file in the way),
     *                             {@code CHECKSUM}, {@code OFFLINE} (with instructions to fetch by hand),
     *                             {@code INTERRUPTED} (partial file kept), {@code HUB}, {@code CANCELLED}, {@code IO}
     */
    public PullResult pull(ModelEntry entry, String variant, ProgressSink sink, CancellationToken cancel)
            throws ModelStoreException {
        String v = variant == null || variant.isBlank() ? null : variant.strip();
        ProgressSink out = sink == null ? ProgressSink.NONE : sink;
        CancellationToken token = cancel == null ? new CancellationToken() : cancel;
        if (v != null && !entry.variants().contains(v)) {
            throw new ModelStoreException(ModelStoreException.Kind.BAD_INPUT, "model '" + entry.name()
                    + "' has no variant '" + v + "'" + (entry.variants().isEmpty() ? " (it has none)"
                    : "; it has: " + String.join(", ", entry.variants())));
        }
        if (!entry.supported()) {
            out.message("note: " + entry.name() + ": " + (entry.note() == null
                    ? "the runtime does not support this model yet" : entry.note()));
        }
        Path folder = store.folder(entry);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw io("cannot create the model folder " + folder, e);
        }
        Manifest manifest = store.manifest(entry);
        List<FileOutcome> outcomes = new ArrayList<>();
        for (ModelFile f : entry.files()) {
            checkCancelled(token, null);
            Path target = store.target(entry, f);
            if (Files.exists(target)) {
                outcomes.add(checkExisting(entry, f, v, target, manifest, out));
            } else {
                outcomes.add(fetch(entry, f, v, target, manifest, out, token));
            }
        }
        return new PullResult(entry, folder, List.copyOf(outcomes));
    }

    private FileOutcome fetch(ModelEntry entry, ModelFile f, String variant, Path target, Manifest manifest,
                              ProgressSink sink, CancellationToken cancel) throws ModelStoreException {
        String hubPath = f.hubPath(variant);
        RemoteFile remote;
        try {
            remote = describe(entry, f, hubPath, variant);
        } catch (HubStatusException e) {
            if (e.status() != 404 || hubPath.equals(f.path())) {
                throw e;
            }
            sink.message(f.path() + ": the hub has no " + variant + " form (" + hubPath + "); fetching the default form");
            hubPath = f.path();
            remote = describe(entry, f, hubPath, null);
        }
        String placedVariant = hubPath.equals(f.path()) ? null : variant;
        String fixed = placedVariant == null ? f.sha256() : null;
        long fixedSize = placedVariant == null ? f.size() : -1;
        if (fixed != null && ((remote.sha256() != null && !fixed.equals(remote.sha256()))
                || (fixedSize >= 0 && remote.size() >= 0 && fixedSize != remote.size()))) {
            throw new ModelStoreException(ModelStoreException.Kind.CHECKSUM, "the hub publishes " + remote.uri()
                    + " with SHA-256 " + (remote.sha256() == null ? "(not given)" : remote.sha256()) + " and size "
                    + remote.size() + ", but Atelier expects SHA-256 " + fixed + " and size " + fixedSize + " for "
                    + f.path() + " (the file changed upstream, or the hub is another one). Nothing was downloaded."
                    + " Place a file with SHA-256 " + fixed + " at " + target + " by hand, then run `atelier models"
                    + " verify " + entry.name() + "`.");
        }
        String expectedSha = fixed != null ? fixed : remote.sha256();
        long expectedSize = fixedSize >= 0 ? fixedSize : remote.size();
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw io("cannot create folder " + target.getParent(), e);
        }
        String sha = download(entry, f, remote.uri(), part, target, expectedSha, expectedSize, sink, cancel);
        try {
            if (expectedSha == null && remote.gitSha1() != null) {
                String blob = Digests.gitBlobSha1(part);
                if (!blob.equals(remote.gitSha1())) {
                    Files.deleteIfExists(part);
                    throw new ModelStoreException(ModelStoreException.Kind.CHECKSUM, "git blob id mismatch for "
                            + f.path() + " from " + remote.uri() + ": the hub says " + remote.gitSha1() + ", the download"
                            + " has " + blob + ". The download was deleted; nothing was placed at " + target + ".");
                }
            }
            if (Files.exists(target)) {
                throw new ModelStoreException(ModelStoreException.Kind.BAD_INPUT, target + " appeared while it was"
                        + " being downloaded; it was not overwritten (the download is kept at " + part + ")");
            }
            long size = Files.size(part);
            moveIntoPlace(part, target);
            store.digests().put(target, sha);
            manifest.put(f.path(), new Manifest.FileRecord(sha, size, entry.name(), entry.repo(), entry.revision(),
                    remote.commit(), placedVariant, remote.uri().toString(), Instant.now().toString()));
            sink.message("placed " + target + " (" + Sizes.human(size) + ", SHA-256 " + sha
                    + (expectedSha == null && remote.gitSha1() == null ? ", no digest published to check" : ", verified")
                    + ")");
            return new FileOutcome(f.path(), Action.DOWNLOADED, sha, size, placedVariant);
        } catch (ModelStoreException e) {
            throw e;
        } catch (IOException e) {
            throw io("cannot place " + target, e);
        }
    }

    /** A file already in place: keep it if it checks out, otherwise refuse to touch it. */
    private FileOutcome checkExisting(ModelEntry entry, ModelFile f, String variant, Path target, Manifest manifest,
                                      ProgressSink sink) throws ModelStoreException {
        String actual;
        long size;
        try {
            actual = store.digests().sha256(target);
            size = Files.size(target);
        } catch (IOException e) {
            throw io("cannot read " + target, e);
        }
        Optional<Manifest.FileRecord> rec = manifest.get(f.path());
        String placedVariant = rec.map(Manifest.FileRecord::variant).orElse(null);
        String reference;
        String source;
        if (placedVariant != null) {
            reference = rec.get().sha256();
            source = "the manifest (" + placedVariant + " form)";
        } else if (f.sha256() != null) {
            reference = f.sha256();
            source = "the registry";
        } else if (rec.isPresent()) {
            reference = rec.get().sha256();
            source = "the manifest";
        } else {
            return checkAgainstHub(entry, f, variant, target, actual, size, manifest, sink);
        }
        if (!actual.equals(reference)) {
            throw new ModelStoreException(ModelStoreException.Kind.CHECKSUM, target + " is already there but its"
                    + " SHA-256 is " + actual + ", expected " + reference + " (from " + source + "). It was not"
                    + " overwritten: move or delete it and run `atelier models pull " + entry.name() + "` again.");
        }
        if (!Objects.equals(placedVariant, variant) && (variant == null || f.variants().containsKey(variant))) {
            sink.message(f.path() + ": kept the " + (placedVariant == null ? "default" : placedVariant)
                    + " form already in place; delete it to fetch the " + (variant == null ? "default" : variant)
                    + " form");
        } else {
            sink.message(f.path() + ": already in place, verified");
        }
        return new FileOutcome(f.path(), Action.ALREADY_PRESENT, actual, size, placedVariant);
    }

    /** A file placed by hand with no recorded digest: compare with what the hub publishes, if reachable. */
    private FileOutcome checkAgainstHub(ModelEntry entry, ModelFile f, String variant, Path target, String actual,
                                        long size, Manifest manifest, ProgressSink sink) throws ModelStoreException {
        RemoteFile remote;
        try {
            remote = client.describe(entry.repo(), entry.revision(), f.hubPath(variant));
        } catch (HubStatusException e) {
            sink.message(f.path() + ": in place, not verified (" + e.getMessage() + ")");
            return new FileOutcome(f.path(), Action.KEPT_UNVERIFIED, actual, size, null);
        } catch (IOException e) {
            sink.message(f.path() + ": in place, not verified (hub unreachable: " + e + ")");
            return new FileOutcome(f.path(), Action.KEPT_UNVERIFIED, actual, size, null);
        }
        boolean matches;
        try {
            if (remote.sha256() != null) {
                matches = remote.sha256().equals(actual);
            } else if (remote.gitSha1() != null) {
                matches = remote.gitSha1().equals(Digests.gitBlobSha1(target));
            } else {
                sink.message(f.path() + ": in place, not verified (the hub publishes no digest for it)");
                return new FileOutcome(f.path(), Action.KEPT_UNVERIFIED, actual, size, null);
            }
            if (!matches) {
                throw new ModelStoreException(ModelStoreException.Kind.CHECKSUM, target + " is already there but"
                        + " differs from " + remote.uri() + " (SHA-256 " + actual + " vs the hub's "
                        + (remote.sha256() != null ? remote.sha256() : "git blob " + remote.gitSha1()) + "). It was"
                        + " not overwritten: move or delete it and run `atelier models pull " + entry.name() + "` again.");
            }
            String placed = f.hubPath(variant).equals(f.path()) ? null : variant;
            manifest.put(f.path(), new Manifest.FileRecord(actual, size, entry.name(), entry.repo(), entry.revision(),
                    remote.commit(), placed, remote.uri().toString(), Instant.now().toString()));
            sink.message(f.path() + ": already in place, verified against the hub");
            return new FileOutcome(f.path(), Action.ALREADY_PRESENT, actual, size, placed);
        } catch (ModelStoreException e) {
            throw e;
        } catch (IOException e) {
            throw io("cannot check " + target, e);
        }
    }

    private RemoteFile describe(ModelEntry entry, ModelFile f, String hubPath, String variant)
            throws ModelStoreException {
        try {
            return client.describe(entry.repo(), entry.revision(), hubPath);
        } catch (ModelStoreException e) {
            throw e;
        } catch (IOException e) {
            throw offline(entry, f, variant, store.hub().fileUri(entry.repo(), entry.revision(), hubPath), e);
        }
    }

    /** Downloads into {@code part} (resuming), retrying interruptions; returns the verified SHA-256. */
    private String download(ModelEntry entry, ModelFile f, URI uri, Path part, Path target, String expectedSha,
                            long expectedSize, ProgressSink sink, CancellationToken cancel) throws ModelStoreException {
        int failures = 0;
        boolean restarted = false;
        while (true) {
            checkCancelled(cancel, part);
            Transfer t = new Transfer(f.path(), uri, part, expectedSize, sink, cancel);
            String sha;
            try {
                sha = t.run();
            } catch (TransferInterrupted e) {
                checkCancelled(cancel, part);
                if (++failures > options.retries()) {
                    if (e.getCause() != null && isUnreachable(e.getCause()) && t.received == 0) {
                        throw offline(entry, f, null, uri, e.getCause());
                    }
                    throw new ModelStoreException(ModelStoreException.Kind.INTERRUPTED, "download of " + uri
                            + " broke off after " + t.position + (expectedSize >= 0 ? " of " + expectedSize : "")
                            + " bytes (" + e.getMessage() + "). The partial file is kept at " + part
                            + ": run `atelier models pull " + entry.name() + "` again to resume.", e);
                }
                sink.message(f.path() + ": " + e.getMessage() + "; resuming at byte " + t.position + " (retry "
                        + failures + " of " + options.retries() + ")");
                pause(options.retryPause().multipliedBy(1L << Math.min(failures - 1, 6)), cancel, part);
                continue;
            } catch (ModelStoreException e) {
                throw e;
            } catch (IOException e) {
                throw io("cannot write " + part, e);
            }
            if (expectedSha != null && !expectedSha.equals(sha)) {
                deleteQuietly(part);
                if (t.resumedFrom > 0 && !restarted) {
                    restarted = true;
                    sink.message(f.path() + ": SHA-256 mismatch after resuming an earlier download; downloading"
                            + " it again from the start");
                    continue;
                }
                throw new ModelStoreException(ModelStoreException.Kind.CHECKSUM, "SHA-256 mismatch for " + f.path()
                        + " from " + uri + ": expected " + expectedSha + ", got " + sha + ". The download was"
                        + " deleted; nothing was placed at " + target + ".");
            }
            if (expectedSize >= 0 && t.position != expectedSize) {
                deleteQuietly(part);
                throw new ModelStoreException(ModelStoreException.Kind.CHECKSUM, "size mismatch for " + f.path()
                        + " from " + uri + ": expected " + expectedSize + " bytes, got " + t.position
                        + ". The download was deleted; nothing was placed at " + target + ".");
            }
            return sha;
        }
    }

    /** One attempt at transferring the rest of a file into its part file. */
    private final class Transfer {
        final String label;
        final URI uri;
        final Path part;
        final long expectedSize;
        final ProgressSink sink;
        final CancellationToken cancel;
        long resumedFrom;
        long position;
        long received;

        Transfer(String label, URI uri, Path part, long expectedSize, ProgressSink sink, CancellationToken cancel) {
            this.label = label;
            this.uri = uri;
            this.part = part;
            this.expectedSize = expectedSize;
            this.sink = sink;
            this.cancel = cancel;
        }

        String run() throws IOException {
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
                 FileLock lock = tryLock(ch)) {
                if (lock == null) {
                    throw new ModelStoreException(ModelStoreException.Kind.IO, "another pull is writing " + part
                            + "; wait for it to finish");
                }
                long have = ch.size();
                if (expectedSize >= 0 && have > expectedSize) {
                    ch.truncate(0);
                    have = 0;
                }
                MessageDigest md = Digests.newSha256();
                hashPrefix(ch, md, have);
                resumedFrom = have;
                position = have;
                if (expectedSize >= 0 && have == expectedSize && have > 0) {
                    sink.progress(label, have, expectedSize, 0);
                    return Digests.hex(md.digest()); // finished earlier, interrupted before it was placed
                }
                if (have > 0) {
                    sink.message(label + ": resuming a partial download at byte " + have);
                }
                HubClient.Download d;
                try {
                    d = client.open(uri, have);
                } catch (HubStatusException e) {
                    if (e.status() >= 500 || e.status() == 429) {
                        throw new TransferInterrupted("hub answered HTTP " + e.status(), e);
                    }
                    throw e;
                } catch (IOException e) {
                    throw new TransferInterrupted("cannot connect: " + e, e);
                }
                try (d) {
                    long total;
                    if (d.status == 416) {
                        ch.truncate(0);
                        position = 0;
                        throw new TransferInterrupted("the server cannot resume at byte " + have + "; starting over", null);
                    } else if (d.status == 206) {
                        Matcher m = d.contentRange == null ? null : CONTENT_RANGE.matcher(d.contentRange.strip());
                        if (m == null || !m.matches() || Long.parseLong(m.group(1)) != have) {
                            ch.truncate(0);
                            position = 0;
                            throw new TransferInterrupted("the server resumed at the wrong place (Content-Range "
                                    + d.contentRange + ", asked for byte " + have + "); starting over", null);
                        }
                        total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
                    } else {
                        if (have > 0) {
                            sink.message(label + ": the server does not resume downloads; starting over");
                            ch.truncate(0);
                            md.reset();
                            have = 0;
                            position = 0;
                        }
                        total = d.contentLength;
                    }
                    if (expectedSize >= 0) {
                        total = expectedSize;
                    }
                    copy(d, ch, md, total);
                }
                ch.force(false);
                return Digests.hex(md.digest());
            }
        }

        private void copy(HubClient.Download d, FileChannel ch, MessageDigest md, long total) throws IOException {
            byte[] buf = new byte[BUFFER];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            long start = System.nanoTime();
            long lastReport = 0;
            long startPos = position;
            InputStream in = d.body;
            ch.position(position);
            while (true) {
                if (cancel.isCancelled()) {
                    d.abort();
                    throw new TransferInterrupted("cancelled", null);
                }
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    throw new TransferInterrupted("no data for " + options.readTimeout().toSeconds() + " s", e);
                } catch (IOException e) {
                    throw new TransferInterrupted("connection lost after " + position + " bytes: " + e.getMessage(), e);
                }
                if (n < 0) {
                    break;
                }
                bb.clear().limit(n);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
                md.update(buf, 0, n);
                position += n;
                received += n;
                long now = System.nanoTime();
                if (now - lastReport > PROGRESS_EVERY_NANOS) {
                    sink.progress(label, position, total, speed(position - startPos, now - start));
                    lastReport = now;
                }
            }
            sink.progress(label, position, total, speed(position - startPos, System.nanoTime() - start));
            if (total >= 0 && position < total) {
                throw new TransferInterrupted("connection closed after " + position + " of " + total + " bytes", null);
            }
        }
    }

    /** A transfer broke off; the part file holds what arrived. */
    private static final class TransferInterrupted extends IOException {
        private static final long serialVersionUID = 1L;

        TransferInterrupted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static double speed(long bytes, long nanos) {
        return nanos <= 0 ? 0 : bytes * 1e9 / nanos;
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this JVM
        }
    }

    private static void hashPrefix(FileChannel ch, MessageDigest md, long length) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(1 << 20);
        long pos = 0;
        while (pos < length) {
            bb.clear().limit((int) Math.min(bb.capacity(), length - pos));
            int n = ch.read(bb, pos);
            if (n < 0) {
                throw new IOException("part file shrank while it was read");
            }
            md.update(bb.array(), 0, n);
            pos += n;
        }
    }

    private static void moveIntoPlace(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target);
        }
    }

    private static boolean isUnreachable(Throwable t) {
        return t instanceof ConnectException || t instanceof UnknownHostException
                || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException;
    }

    private ModelStoreException offline(ModelEntry entry, ModelFile f, String variant, URI uri, Throwable cause) {
        List<ModelFile> missing = store.state(entry).missing();
        return new ModelStoreException(ModelStoreException.Kind.OFFLINE, "cannot reach the hub at "
                + store.hub().base() + " to fetch " + uri + " (" + cause + "). Check the network (or "
                + HubConfig.ENV + "), or put the files in place by hand.\n"
                + store.fetchInstructions(entry, missing.isEmpty() ? List.of(f) : missing, variant), cause);
    }

    private static void checkCancelled(CancellationToken cancel, Path part) throws ModelStoreException {
        if (cancel.isCancelled()) {
            throw new ModelStoreException(ModelStoreException.Kind.CANCELLED, "pull cancelled"
                    + (part != null && Files.exists(part) ? "; the partial download is kept at " + part
                    + " and the next pull resumes it" : ""));
        }
    }

    private static void pause(Duration d, CancellationToken cancel, Path part) throws ModelStoreException {
        long end = System.nanoTime() + d.toNanos();
        try {
            while (System.nanoTime() < end) {
                checkCancelled(cancel, part);
                Thread.sleep(Math.max(1, Math.min(100, (end - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelStoreException(ModelStoreException.Kind.CANCELLED, "pull interrupted", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort; the caller reports the real problem
        }
    }

    private static ModelStoreException io(String what, IOException e) {
        return new ModelStoreException(ModelStoreException.Kind.IO, what + ": " + e, e);
    }
}
