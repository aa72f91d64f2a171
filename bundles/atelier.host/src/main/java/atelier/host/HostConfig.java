package atelier.host;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import atelier.api.spi.ModelLocator;

/**
 * Where the host keeps its state and what it installs on start. Every path can be overridden; the defaults are:
 * <ul>
 * <li>{@code home}: system property {@code atelier.home}, else env {@code ATELIER_HOME}, else {@code ~/.atelier}</li>
 * <li>{@code storage}: {@code home/felix-cache} (cleaned when the host starts)</li>
 * <li>{@code bundlesDirectory}: {@code home/bundles}, watched: jars dropped in are installed and started</li>
 * <li>{@code featureRepository}: system property {@code atelier.features}, else env {@code ATELIER_FEATURES}, else
 * {@code <folder of the host jar>/../features}; a folder of {@code <name>/} feature folders</li>
 * <li>{@code initialFeatures}: {@code core, latent-stats}</li>
 * <li>{@code modelLocator}: none (when set, registered as an {@link ModelLocator} service)</li>
 * </ul>
 */
public final class HostConfig {
    /** Features a fresh host installs. */
    public static final List<String> DEFAULT_FEATURES = List.of("core", "latent-stats");

    private final Path home;
    private final Path storage;
    private final Path bundlesDirectory;
    private final Path featureRepository;
    private final List<String> initialFeatures;
    private final ModelLocator modelLocator;
    private final Duration serviceTimeout;
    private final long pollMillis;
    private final boolean preloadEngine;
    private final Map<String, String> frameworkProperties;
    private final java.util.function.Consumer<BundleRefusal> refusalListener;

    private HostConfig(Builder b) {
        this.home = b.home != null ? b.home : defaultHome();
        this.storage = b.storage != null ? b.storage : home.resolve("felix-cache");
        this.bundlesDirectory = b.bundlesDirectory != null ? b.bundlesDirectory : home.resolve("bundles");
        this.featureRepository = b.featureRepository != null ? b.featureRepository : defaultFeatureRepository();
        this.initialFeatures = List.copyOf(b.initialFeatures);
        this.modelLocator = b.modelLocator;
        this.serviceTimeout = b.serviceTimeout;
        this.pollMillis = b.pollMillis;
        this.preloadEngine = b.preloadEngine;
        this.frameworkProperties = Map.copyOf(b.frameworkProperties);
        this.refusalListener = b.refusalListener;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** The host's home folder. */
    public Path home() { return home; }

    /** The framework's storage (bundle cache); cleaned on every start. */
    public Path storage() { return storage; }

    /** The watched folder: bundles copied in are installed, replaced ones updated, removed ones uninstalled. */
    public Path bundlesDirectory() { return bundlesDirectory; }

    /** The folder holding one {@code <name>/} folder per feature ({@code <name>.bndrun}, {@code index.xml}, {@code bundles/}). */
    public Path featureRepository() { return featureRepository; }

    /** Features installed on start when not installed yet. */
    public List<String> initialFeatures() { return initialFeatures; }

    /** The model locator registered as a service, or {@code null}. */
    public ModelLocator modelLocator() { return modelLocator; }

    /** How long {@link AtelierHost#service()} waits for the service. */
    public Duration serviceTimeout() { return serviceTimeout; }

    /** How often the bundles folder is scanned, in milliseconds. */
    public long pollMillis() { return pollMillis; }

    /** Whether the PyTorch engine is initialised before the framework starts (always, except in tests of the host itself). */
    public boolean preloadEngine() { return preloadEngine; }

    /** Extra framework properties, applied last. */
    public Map<String, String> frameworkProperties() { return frameworkProperties; }

    /** Called (on the installing thread) for every bundle refused because it embeds DJL; never null. */
    public java.util.function.Consumer<BundleRefusal> refusalListener() { return refusalListener; }

    /** File recording the installed features, one name a line. */
    public Path installedFeaturesFile() { return home.resolve("features.installed"); }

    static Path defaultHome() {
        String prop = System.getProperty("atelier.home");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        String env = System.getenv("ATELIER_HOME");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".atelier");
    }

    static Path defaultFeatureRepository() {
        String prop = System.getProperty("atelier.features");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        String env = System.getenv("ATELIER_FEATURES");
        if (env != null && !env.isBlank()) return Path.of(env);
        try {
            Path where = Path.of(HostConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(where) ? where : where.getParent();
            Path parent = dir.getParent();
            return (parent != null ? parent : dir).resolve("features").normalize();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("features").toAbsolutePath();
        }
    }

    /** Builds a {@link HostConfig}; unset values take the defaults listed on {@link HostConfig}. */
    public static final class Builder {
        private Path home;
        private Path storage;
        private Path bundlesDirectory;
        private Path featureRepository;
        private List<String> initialFeatures = DEFAULT_FEATURES;
        private ModelLocator modelLocator;
        private Duration serviceTimeout = Duration.ofSeconds(30);
        private long pollMillis = 1000;
        private boolean preloadEngine = true;
        private final Map<String, String> frameworkProperties = new LinkedHashMap<>();
        private java.util.function.Consumer<BundleRefusal> refusalListener = r -> { };

        private Builder() {}

        public Builder home(Path home) { this.home = home; return this; }

        public Builder storage(Path storage) { this.storage = storage; return this; }

        public Builder bundlesDirectory(Path dir) { this.bundlesDirectory = dir; return this; }

        public Builder featureRepository(Path dir) { this.featureRepository = dir; return this; }

        public Builder initialFeatures(List<String> names) {
            this.initialFeatures = List.copyOf(Objects.requireNonNull(names, "initialFeatures"));
            return this;
        }

        public Builder initialFeatures(String... names) { return initialFeatures(List.of(names)); }

        public Builder modelLocator(ModelLocator locator) { this.modelLocator = locator; return this; }

        public Builder serviceTimeout(Duration timeout) {
            if (timeout.isNegative()) throw new IllegalArgumentException("serviceTimeout must not be negative: " + timeout);
            this.serviceTimeout = timeout;
            return this;
        }

        public Builder pollMillis(long millis) {
            if (millis < 50) throw new IllegalArgumentException("pollMillis must be at least 50, got " + millis);
            this.pollMillis = millis;
            return this;
        }

        public Builder preloadEngine(boolean preload) { this.preloadEngine = preload; return this; }

        /** Adds a framework property (applied after the host's own, so it can override them). */
        public Builder frameworkProperty(String key, String value) {
            frameworkProperties.put(key, value);
            return this;
        }

        /** Tells a host (e.g. the CLI) about each refused bundle as it happens; refusals are logged either way. */
        public Builder onRefusal(java.util.function.Consumer<BundleRefusal> listener) {
            this.refusalListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public HostConfig build() { return new HostConfig(this); }
    }
}
