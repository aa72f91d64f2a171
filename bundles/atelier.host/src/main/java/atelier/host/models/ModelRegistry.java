package atelier.host.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

/**
 * The models the store knows by name. {@link #builtIn()} reads the registry shipped with Atelier
 * ({@value #RESOURCE}); tests and tools may build their own with {@link #of(Collection)} or {@link #read(Reader)}.
 */
public final class ModelRegistry {
    /** Class-path resource holding the built-in registry. */
    public static final String RESOURCE = "/atelier/host/models/registry.json";

    private static volatile ModelRegistry builtIn;

    private final Map<String, ModelEntry> byName;

    private ModelRegistry(Map<String, ModelEntry> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** A registry of exactly these entries (names must be unique). */
    public static ModelRegistry of(Collection<ModelEntry> entries) {
        Map<String, ModelEntry> m = new LinkedHashMap<>();
        for (ModelEntry e : entries) {
            if (m.put(e.name(), e) != null) {
                throw new IllegalArgumentException("model name '" + e.name() + "' is listed twice");
            }
        }
        return new ModelRegistry(m);
    }

    /** The registry shipped with Atelier. */
    public static ModelRegistry builtIn() {
        ModelRegistry r = builtIn;
        if (r == null) {
            try (InputStream in = ModelRegistry.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("built-in model registry " + RESOURCE + " is missing from the jar");
                }
                r = read(new InputStreamReader(in, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read built-in model registry " + RESOURCE, e);
            }
            builtIn = r;
        }
        return r;
    }

    /** Parses a registry document: {@code {"models": [{"name":…, "repo":…, "folder":…, "files":[{"path":…}]}]}}. */
    public static ModelRegistry read(Reader json) throws IOException {
        Doc doc;
        try {
            doc = new Gson().fromJson(json, Doc.class);
        } catch (JsonParseException e) {
            throw new IOException("model registry is not valid JSON: " + e.getMessage(), e);
        }
        if (doc == null || doc.models == null) {
            throw new IOException("model registry has no \"models\" array");
        }
        List<ModelEntry> entries = new ArrayList<>();
        for (DocModel m : doc.models) {
            try {
                List<ModelFile> files = new ArrayList<>();
                for (DocFile f : m.files == null ? List.<DocFile>of() : m.files) {
                    files.add(new ModelFile(f.path, f.sha256, f.size == null ? -1 : f.size,
                            Boolean.TRUE.equals(f.weights), f.variants));
                }
                entries.add(new ModelEntry(m.name, m.description, m.repo, m.revision, m.folder, m.layout,
                        m.supported == null || m.supported, m.note, files));
            } catch (RuntimeException e) {
                throw new IOException("model registry entry '" + m.name + "' is invalid: " + e.getMessage(), e);
            }
        }
        try {
            return of(entries);
        } catch (IllegalArgumentException e) {
            throw new IOException("model registry: " + e.getMessage(), e);
        }
    }

    /** All entries, in registry order. */
    public Collection<ModelEntry> entries() {
        return byName.values();
    }

    /** The entry called {@code name}, if any. */
    public Optional<ModelEntry> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The entry called {@code name}; an unknown name fails naming the known ones. */
    public ModelEntry require(String name) throws ModelStoreException {
        ModelEntry e = byName.get(name);
        if (e == null) {
            throw new ModelStoreException(ModelStoreException.Kind.UNKNOWN_MODEL,
                    "unknown model '" + name + "'; known models: " + String.join(", ", byName.keySet()));
        }
        return e;
    }

    /** Known names, in registry order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    // JSON shapes, filled by Gson
    private static final class Doc { List<DocModel> models; }

    private static final class DocModel {
        String name;
        String description;
        String repo;
        String revision;
        String folder;
        String layout;
        Boolean supported;
        String note;
        List<DocFile> files;
    }

    private static final class DocFile {
        String path;
        String sha256;
        Long size;
        Boolean weights;
        Map<String, String> variants;
    }
}
