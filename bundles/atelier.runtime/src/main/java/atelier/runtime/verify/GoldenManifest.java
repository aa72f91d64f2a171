package atelier.runtime.verify;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.runtime.io.SafetensorsFile;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * A reference manifest ({@code golden*.json}): cases with inputs, outputs, parameters and tolerances, and the
 * safetensors file ({@code "file"}) holding the tensors the cases name. The tensor file is opened on first use.
 */
public final class GoldenManifest implements AutoCloseable {
    private final Path json;
    private final JsonObject root;
    private SafetensorsFile tensors;

    private GoldenManifest(Path json, JsonObject root) {
        this.json = json;
        this.root = root;
    }

    /** All {@code golden*.json} files in a folder, sorted by name. */
    public static List<Path> find(Path goldenDir) throws IOException {
        if (!Files.isDirectory(goldenDir)) {
            throw new IOException("golden folder not found: " + goldenDir);
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(goldenDir, "golden*.json")) {
            ds.forEach(out::add);
        }
        Collections.sort(out);
        return out;
    }

    public static GoldenManifest load(Path json) throws IOException {
        try (Reader r = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            JsonElement el = JsonParser.parseReader(r);
            if (!el.isJsonObject() || !el.getAsJsonObject().has("cases")
                    || !el.getAsJsonObject().get("cases").isJsonArray()) {
                throw new IOException(json + ": not a golden manifest (no \"cases\" list)");
            }
            return new GoldenManifest(json, el.getAsJsonObject());
        } catch (JsonParseException e) {
            throw new IOException(json + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    public Path path() { return json; }

    /** The folder the manifest lies in; relative paths in it resolve against this. */
    public Path dir() { return json.toAbsolutePath().getParent(); }

    public JsonObject root() { return root; }

    public List<JsonObject> cases() {
        List<JsonObject> out = new ArrayList<>();
        root.getAsJsonArray("cases").forEach(c -> out.add(c.getAsJsonObject()));
        return out;
    }

    /** The case with that id, or null. */
    public JsonObject find(String id) {
        for (JsonObject c : cases()) {
            if (c.has("id") && c.get("id").getAsString().equals(id)) {
                return c;
            }
        }
        return null;
    }

    /** The tensor file, opened on first call. */
    public synchronized SafetensorsFile tensors() throws IOException {
        if (tensors == null) {
            if (!root.has("file")) {
                throw new IOException(json + ": no \"file\" naming the tensors");
            }
            tensors = SafetensorsFile.open(dir().resolve(root.get("file").getAsString()));
        }
        return tensors;
    }

    /** Loads a named tensor ({@code in.*}, {@code out.*}, {@code sched.*}) into {@code manager}. */
    public NDArray tensor(String name, NDManager manager) throws IOException {
        SafetensorsFile f = tensors();
        if (!f.contains(name)) {
            throw new IOException("tensor '" + name + "' is not in " + f.path().getFileName());
        }
        return f.load(name, manager);
    }

    @Override
    public synchronized void close() {
        if (tensors != null) {
            tensors.close();
            tensors = null;
        }
    }
}
