package atelier.host.models;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import atelier.api.spi.ModelLocator;

/**
 * The model store on disk: a root folder ({@value #PROPERTY} system property, else {@value #ENV}, else
 * {@code ~/.atelier/models}) holding models in the diffusers folder layout ({@code sd15/unet/…}) or as single
 * files ({@code taesd/taesd_decoder.safetensors}). Registered models ({@link ModelRegistry}) are found by name;
 * any other folder or file under the root by its name too; anything else by path.
 */
public final class ModelStore implements ModelLocator {
    /** Environment variable naming the store root. */
    public static final String ENV = "ATELIER_MODELS";
    /** System property naming the store root (wins over {@value #ENV}). */
    public static final String PROPERTY = "atelier.models";

    private static final List<String> MAIN_WEIGHTS = List.of(
            "unet/diffusion_pytorch_model.safetensors", "transformer/diffusion_pytorch_model.safetensors");

    private static final Pattern WEIGHT_FILE = Pattern.compile("(?i).+\\.(safetensors|ckpt|pt|pth|bin|gguf)");

    private final Path root;
    private final ModelRegistry registry;
    private final HubConfig hub;
    private final DigestCache digests;
    private final String rootSource;

    /** The store at the configured root, with the built-in registry and the configured hub. */
    public ModelStore() {
        this(defaultRoot(), ModelRegistry.builtIn(), HubConfig.fromEnvironment(), new DigestCache(), defaultRootSource());
    }

    /** The store at {@code root}, with the built-in registry and the configured hub. */
    public ModelStore(Path root) {
        this(root, ModelRegistry.builtIn(), HubConfig.fromEnvironment());
    }

    /** The store at {@code root} with the given registry and hub. */
    public ModelStore(Path root, ModelRegistry registry, HubConfig hub) {
        this(root, registry, hub, new DigestCache());
    }

    /**
     * The store at {@code root} with the given registry, hub and digest cache ({@code new DigestCache(false)}
     * for a store that must not gain sidecar files, e.g. a shared read-only one).
     */
    public ModelStore(Path root, ModelRegistry registry, HubConfig hub, DigestCache digests) {
        this(root, registry, hub, digests, "given");
    }

    private ModelStore(Path root, ModelRegistry registry, HubConfig hub, DigestCache digests, String rootSource) {
        this.rootSource = rootSource;
        this.digests = Objects.requireNonNull(digests, "digests");
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.registry = Objects.requireNonNull(registry, "registry");
        this.hub = Objects.requireNonNull(hub, "hub");
    }

    /** {@value #PROPERTY}, else {@value #ENV}, else {@code ~/.atelier/models}; relative paths from the working directory. */
    public static Path defaultRoot() {
        String s = System.getProperty(PROPERTY);
        if (s == null || s.isBlank()) {
            s = System.getenv(ENV);
        }
        if (s != null && !s.isBlank()) {
            return Path.of(s).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("user.home"), ".atelier", "models");
    }

    /** Where the root came from, for messages: a property, the environment, the default, or "given". */
    public String rootSource() {
        return rootSource;
    }

    private static String defaultRootSource() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) {
            return "system property " + PROPERTY;
        }
        String e = System.getenv(ENV);
        return e != null && !e.isBlank() ? "$" + ENV : "default; set " + ENV + " to change it";
    }

    public Path root() { return root; }

    public ModelRegistry registry() { return registry; }

    public HubConfig hub() { return hub; }

    /** The digest cache shared by everything that hashes files of this store. */
    public DigestCache digests() { return digests; }

    /** The folder holding {@code entry}'s files. */
    public Path folder(ModelEntry entry) {
        return root.resolve(entry.folder());
    }

    /** Where {@code file} of {@code entry} lives. */
    public Path target(ModelEntry entry, ModelFile file) {
        return folder(entry).resolve(file.path());
    }

    /** The manifest of {@code entry}'s folder. */
    public Manifest manifest(ModelEntry entry) {
        return Manifest.of(folder(entry));
    }

    /** Which of {@code entry}'s files are in place (by presence; {@link ModelVerifier} checks contents). */
    public ModelState state(ModelEntry entry) {
        List<ModelFile> present = new ArrayList<>();
        List<ModelFile> missing = new ArrayList<>();
        long bytes = 0;
        for (ModelFile f : entry.files()) {
            Path p = target(entry, f);
            if (Files.isRegularFile(p)) {
                present.add(f);
                try {
                    bytes += Files.size(p);
                } catch (IOException ignored) {
                    // vanished meanwhile: counted as present with unknown size
                }
            } else {
                missing.add(f);
            }
        }
        return new ModelState(entry, present, missing, bytes);
    }

    /**
     * A registered model's folder when all its files are there; an existing file or folder (absolute, relative
     * to the working directory, or relative to the store root) as itself.
     *
     * @throws ModelStoreException {@code MISSING} naming the files to fetch, their URLs, where to put them and
     *                             the pull command; {@code UNKNOWN_MODEL} when the name is neither
     */
    @Override
    public Path locate(String nameOrPath) throws IOException {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new ModelStoreException(ModelStoreException.Kind.UNKNOWN_MODEL,
                    "no model given; name one of " + String.join(", ", registry.names()) + " or a path");
        }
        Optional<ModelEntry> entry = registry.find(nameOrPath);
        if (entry.isPresent()) {
            ModelState st = state(entry.get());
            if (st.missing().isEmpty()) {
                checkDigests(entry.get());
                return folder(entry.get());
            }
            throw new ModelStoreException(ModelStoreException.Kind.MISSING, missingMessage(st));
        }
        Path asGiven = null;
        try {
            asGiven = Path.of(nameOrPath);
        } catch (InvalidPathException e) {
            // not a path on this system: only a name could match, and none did
        }
        if (asGiven != null) {
            if (Files.exists(asGiven)) {
                return asGiven.toAbsolutePath().normalize();
            }
            if (!asGiven.isAbsolute()) {
                Path inStore = root.resolve(asGiven).normalize();
                if (inStore.startsWith(root) && Files.exists(inStore)) {
                    return inStore;
                }
            }
        }
        throw new ModelStoreException(ModelStoreException.Kind.UNKNOWN_MODEL,
                "no model '" + nameOrPath + "': it is not a file or folder"
                        + (asGiven == null ? "" : " (looked at " + asGiven.toAbsolutePath().normalize()
                        + (asGiven.isAbsolute() ? "" : " and " + root.resolve(asGiven).normalize()) + ")")
                        + ", nor a model store name (known: " + String.join(", ", registry.names()) + ")");
    }

    /**
     * Refuses a model whose files differ from the digests the registry or the pull manifest records. Digests of
     * unchanged files come from the cache, so this costs a full read only the first time a file is seen.
     */
    private void checkDigests(ModelEntry entry) throws ModelStoreException {
        List<FileCheck> bad = new ModelVerifier(this).verify(entry).stream()
                .filter(c -> c.status() == FileCheck.Status.MISMATCH).toList();
        if (!bad.isEmpty()) {
            FileCheck c = bad.get(0);
            throw new ModelStoreException(ModelStoreException.Kind.CHECKSUM, "model '" + entry.name() + "': "
                    + c.location() + " fails its checksum (expected SHA-256 " + c.expected() + ", found " + c.actual()
                    + ")" + (bad.size() > 1 ? " and " + (bad.size() - 1) + " more file(s)" : "")
                    + "; fetch it again with `atelier models pull " + entry.name() + "`");
        }
    }

    /**
     * SHA-256 of the model's main weights file: the file itself, a diffusers folder's UNet (or transformer)
     * weights, or a folder's only {@code .safetensors} file; {@code ""} when there is no single main file or it
     * cannot be read. Digests are cached (see {@link DigestCache}).
     */
    @Override
    public String sha256(Path model) {
        try {
            Optional<Path> f = mainWeightsFile(model);
            return f.isPresent() ? digests.sha256(f.get()) : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The file {@link #sha256(Path)} hashes, if there is one. */
    public Optional<Path> mainWeightsFile(Path model) throws IOException {
        if (Files.isRegularFile(model)) {
            return Optional.of(model);
        }
        if (!Files.isDirectory(model)) {
            return Optional.empty();
        }
        for (String rel : MAIN_WEIGHTS) {
            Path p = model.resolve(rel);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        List<Path> weights = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(model, "*.safetensors")) {
            ds.forEach(p -> {
                if (Files.isRegularFile(p)) {
                    weights.add(p);
                }
            });
        }
        return weights.size() == 1 ? Optional.of(weights.get(0)) : Optional.empty();
    }

    /** Folders and files directly under the root that belong to no registered model (e.g. a hand-made model). */
    public List<String> unregisteredEntries() throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                boolean modelLike = Files.isDirectory(p) || WEIGHT_FILE.matcher(n).matches();
                if (n.startsWith(".") || !modelLike
                        || registry.entries().stream().anyMatch(e -> e.folder().equals(n))) {
                    continue;
                }
                out.add(n);
            }
        }
        out.sort(String::compareTo);
        return out;
    }

    /**
     * How to put {@code files} of {@code entry} in place by hand: for each, the URL to fetch (in {@code variant}
     * when given) and the path to save it as; then the pull command.
     */
    public String fetchInstructions(ModelEntry entry, List<ModelFile> files, String variant) {
        StringBuilder sb = new StringBuilder();
        sb.append("Fetch from ").append(hub.repoPage(entry.repo())).append(" (revision ").append(entry.revision())
                .append("):\n");
        for (ModelFile f : files) {
            Path target = target(entry, f);
            sb.append("  ").append(hub.fileUri(entry.repo(), entry.revision(), f.hubPath(variant)))
                    .append("\n    save as ").append(target);
            if (Files.exists(target.resolveSibling(target.getFileName() + ".part"))) {
                sb.append("  (a partial download is there: pull resumes it)");
            }
            f.knownSha256().filter(h -> f.hubPath(variant).equals(f.path()))
                    .ifPresent(h -> sb.append("\n    SHA-256 ").append(h));
            sb.append('\n');
        }
        sb.append("or run `atelier models pull ").append(entry.name()).append(variant == null ? "" : " --variant " + variant)
                .append("` to download and verify them, then `atelier models verify ").append(entry.name()).append("`.");
        return sb.toString();
    }

    private String missingMessage(ModelState st) {
        ModelEntry e = st.entry();
        StringBuilder sb = new StringBuilder();
        sb.append("model '").append(e.name()).append("' (").append(e.description()).append(") is ")
                .append(st.present().isEmpty() ? "not" : "not completely").append(" in the model store ")
                .append(root).append(" (").append(rootSource).append("); missing ").append(st.missing().size())
                .append(" of ").append(e.files().size()).append(" files.\n");
        if (!e.supported()) {
            sb.append("Note: ").append(e.note() == null ? "the runtime does not support this model yet" : e.note())
                    .append(".\n");
        }
        sb.append(fetchInstructions(e, st.missing(), null));
        return sb.toString();
    }
}
