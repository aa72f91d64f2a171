package atelier.host.models;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;

/**
 * SHA-256 of files, remembered so that a multi-gigabyte file is hashed again only when it changed. Digests are
 * keyed by size and modification time and kept in memory and in a small sidecar {@value #SIDECAR} next to the
 * file (one per folder). A read-only folder simply gets no sidecar.
 */
public final class DigestCache {
    /** Name of the per-folder sidecar file. */
    public static final String SIDECAR = ".atelier-digests.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private final Map<Path, Remembered> memory = new ConcurrentHashMap<>();
    private final boolean persist;

    /** A cache that keeps sidecars next to the files it hashes. */
    public DigestCache() {
        this(true);
    }

    /** @param persist whether to keep sidecar files (else digests are remembered in memory only) */
    public DigestCache(boolean persist) {
        this.persist = persist;
    }

    /** One remembered digest. */
    record Remembered(long size, long mtime, String sha256) { }

    /** SHA-256 of {@code file}, from the cache when its size and modification time are unchanged. */
    public String sha256(Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        long size = Files.size(abs);
        long mtime = Files.getLastModifiedTime(abs).toMillis();
        Remembered hit = memory.get(abs);
        if (hit == null) {
            hit = persist ? readSidecar(abs.getParent()).get(abs.getFileName().toString()) : null;
        }
        if (hit != null && hit.size() == size && hit.mtime() == mtime && Digests.isSha256(hit.sha256())) {
            memory.put(abs, hit);
            return hit.sha256();
        }
        String digest = Digests.sha256(abs);
        // the file may have changed while it was read; remember only a stable result
        if (Files.size(abs) == size && Files.getLastModifiedTime(abs).toMillis() == mtime) {
            remember(abs, new Remembered(size, mtime, digest));
        }
        return digest;
    }

    /** Records a digest just computed elsewhere (e.g. while downloading) for {@code file} as it is now. */
    public void put(Path file, String sha256) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        remember(abs, new Remembered(Files.size(abs), Files.getLastModifiedTime(abs).toMillis(), sha256));
    }

    private void remember(Path abs, Remembered rec) {
        memory.put(abs, rec);
        if (!persist) {
            return;
        }
        Path dir = abs.getParent();
        if (!ownerMayWrite(dir)) {
            return; // a read-only model folder (e.g. a shared one) is never written to, not even by root
        }
        synchronized (this) {
            Map<String, Remembered> all = new TreeMap<>(readSidecar(dir));
            all.put(abs.getFileName().toString(), rec);
            writeSidecar(dir, all);
        }
    }

    /** Permission bits, not access(2): root may write anywhere, but a folder marked read-only stays untouched. */
    private static boolean ownerMayWrite(Path dir) {
        try {
            return Files.getPosixFilePermissions(dir).contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        } catch (UnsupportedOperationException e) {
            return Files.isWritable(dir);
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, Remembered> readSidecar(Path dir) {
        Path side = dir.resolve(SIDECAR);
        if (!Files.isRegularFile(side)) {
            return Map.of();
        }
        try (Reader r = Files.newBufferedReader(side, StandardCharsets.UTF_8)) {
            Map<String, Remembered> m = GSON.fromJson(r, new TypeToken<Map<String, Remembered>>() { }.getType());
            return m == null ? Map.of() : m;
        } catch (IOException | JsonParseException e) {
            return Map.of(); // a damaged cache is only a cache: it is rebuilt
        }
    }

    private static void writeSidecar(Path dir, Map<String, Remembered> all) {
        Path side = dir.resolve(SIDECAR);
        Path tmp = dir.resolve(SIDECAR + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                GSON.toJson(all, w);
            }
            try {
                Files.move(tmp, side, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, side, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // read-only folder: nothing was written
            }
        }
    }
}
