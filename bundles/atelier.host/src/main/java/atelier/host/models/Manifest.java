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
import java.util.Optional;
import java.util.TreeMap;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

/**
 * What a pull recorded about the files it placed in a model folder: {@value #FILE_NAME} inside the folder,
 * keyed by the file's path relative to the folder. {@code verify} checks files against it when the registry
 * fixes no hash.
 */
public final class Manifest {
    /** Name of the manifest file inside a model folder. */
    public static final String FILE_NAME = ".atelier-manifest.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /**
     * One placed file.
     *
     * @param sha256   its SHA-256, verified when it was placed
     * @param size     its size in bytes
     * @param model    the registry name it was pulled for
     * @param repo     the hub repository
     * @param revision the revision asked for
     * @param commit   the commit the hub resolved it to, if it said
     * @param variant  the variant (e.g. {@code fp16}) or {@code null} for the default form
     * @param source   the URL it came from
     * @param placed   when it was placed (ISO-8601)
     */
    public record FileRecord(String sha256, long size, String model, String repo, String revision, String commit,
                             String variant, String source, String placed) { }

    private static final class Doc {
        int version = 1;
        Map<String, FileRecord> files = new TreeMap<>();
    }

    private final Path folder;

    private Manifest(Path folder) {
        this.folder = folder;
    }

    /** The manifest of a model folder (which need not exist yet). */
    public static Manifest of(Path folder) {
        return new Manifest(folder);
    }

    /** The manifest file's path. */
    public Path file() {
        return folder.resolve(FILE_NAME);
    }

    /** The record for {@code path}, if one was written. An unreadable manifest counts as empty. */
    public Optional<FileRecord> get(String path) {
        return Optional.ofNullable(read().files.get(path));
    }

    /** All records, by path. */
    public Map<String, FileRecord> all() {
        return Map.copyOf(read().files);
    }

    /** Adds or replaces the record for {@code path}, rewriting the manifest atomically. */
    public synchronized void put(String path, FileRecord rec) throws IOException {
        Doc doc = read();
        doc.files.put(path, rec);
        Files.createDirectories(folder);
        Path tmp = folder.resolve(FILE_NAME + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            GSON.toJson(doc, w);
        }
        try {
            Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Doc read() {
        Path f = file();
        if (!Files.isRegularFile(f)) {
            return new Doc();
        }
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            Doc d = GSON.fromJson(r, Doc.class);
            if (d == null || d.files == null) {
                return new Doc();
            }
            d.files = new TreeMap<>(d.files);
            return d;
        } catch (IOException | JsonParseException e) {
            return new Doc();
        }
    }
}
