package atelier.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import atelier.api.StyleTransferService;
import atelier.api.spi.ModelLocator;
import atelier.host.features.FeatureException;
import atelier.host.features.FeatureInstaller;
import atelier.host.framework.BundleGuard;
import atelier.host.framework.DjlBootstrap;
import atelier.host.framework.EmbeddedDjlDetector;
import atelier.host.framework.FelixLogBridge;
import atelier.host.framework.SystemPackages;

/**
 * The embedded OSGi framework that runs Atelier's bundles. {@link #start} prepares DJL (offline, PyTorch engine
 * loaded with the host's class loader), starts Apache Felix with the host's shared packages
 * ({@code ai.djl.*}, {@code atelier.api*}, {@code org.slf4j*}, {@code com.google.gson*}), guards it against bundles
 * that embed DJL, installs the recorded and initial features (the {@code core} feature brings Declarative Services and
 * the watched bundles folder) and registers the configured {@link ModelLocator}.
 *
 * <pre>{@code
 * try (AtelierHost host = AtelierHost.start(HostConfig.builder().build())) {
 *     StyleTransferService service = host.service();
 *     ...
 * }
 * }</pre>
 */
public final class AtelierHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AtelierHost.class);

    private final HostConfig config;
    private final Framework framework;
    private final BundleGuard guard;
    private final FeatureInstaller features;
    private final List<String> startProblems;
    private final ServiceTracker<StyleTransferService, StyleTransferService> serviceTracker;

    private AtelierHost(HostConfig config, Framework framework, BundleGuard guard, FeatureInstaller features,
            List<String> startProblems) {
        this.config = config;
        this.framework = framework;
        this.guard = guard;
        this.features = features;
        this.startProblems = List.copyOf(startProblems);
        this.serviceTracker = new ServiceTracker<>(framework.getBundleContext(), StyleTransferService.class, null);
        this.serviceTracker.open();
    }

    /**
     * Starts a host. A feature that fails to install does not stop the host (see {@link #startProblems()}); a
     * framework or engine that cannot start does.
     *
     * @throws HostException when folders cannot be created, the PyTorch engine cannot load, or the framework cannot
     *         start (for example because another host uses the same storage folder)
     */
    public static AtelierHost start(HostConfig config) throws HostException {
        try {
            Files.createDirectories(config.home());
            Files.createDirectories(config.bundlesDirectory());
        } catch (IOException e) {
            throw new HostException("cannot create the host folders under " + config.home() + ": " + e, e);
        }
        DjlBootstrap.configureOffline();
        if (config.preloadEngine()) {
            try {
                LOG.info("DJL engine ready: {}", DjlBootstrap.preloadEngine());
            } catch (RuntimeException | LinkageError e) {
                throw new HostException("the PyTorch engine could not be loaded (" + e.getMessage()
                        + "); check that pytorch-engine, pytorch-jni and the native jar (or PYTORCH_LIBRARY_PATH) are on the host class path", e);
            }
        }
        String systemPackages;
        try {
            systemPackages = SystemPackages.header(SystemPackages.ofHostClassPath());
        } catch (RuntimeException e) {
            throw new HostException("cannot compute the packages the host shares with bundles: " + e.getMessage(), e);
        }
        Map<String, Object> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, config.storage().toAbsolutePath().toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, systemPackages);
        props.put("felix.fileinstall.dir", config.bundlesDirectory().toAbsolutePath().toString());
        props.put("felix.fileinstall.poll", Long.toString(config.pollMillis()));
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.bundles.new.start", "true");
        props.put("felix.fileinstall.log.level", "2");
        props.put("felix.fileinstall.log.default", "jul");   // java.util.logging (stderr), never the host's stdout
        props.put("felix.log.logger", new FelixLogBridge());
        props.put("felix.log.level", "2");
        props.putAll(config.frameworkProperties());

        Framework framework = new Felix(props);
        BundleGuard guard = new BundleGuard(config.refusalListener(), config.bundlesDirectory());
        try {
            framework.init();
            guard.attach(framework.getBundleContext());
            framework.start();
        } catch (BundleException | RuntimeException e) {
            guard.close();
            stopQuietly(framework);
            throw new HostException("the OSGi framework could not start with storage " + config.storage() + ": "
                    + e.getMessage() + " (is another Atelier host using the same folder?)", e);
        }
        BundleContext context = framework.getBundleContext();
        if (config.modelLocator() != null) {
            context.registerService(ModelLocator.class, config.modelLocator(), null);
        }
        FeatureInstaller installer = new FeatureInstaller(context, config.featureRepository(), config.installedFeaturesFile());
        List<String> problems;
        try {
            problems = installer.restore(config.initialFeatures());
        } catch (FeatureException e) {
            guard.close();
            stopQuietly(framework);
            throw new HostException(e.getMessage(), e);
        }
        LOG.info("Atelier host started: home {}, features {} from {}, watching {}", config.home(), installer.installed(),
                config.featureRepository(), config.bundlesDirectory());
        return new AtelierHost(config, framework, guard, installer, problems);
    }

    /** The configuration this host started with. */
    public HostConfig config() { return config; }

    /**
     * The style transfer service, waiting up to the configured timeout (30 s by default) for it to appear.
     *
     * @throws HostException when it does not appear; the message lists the bundles and why they may be missing
     */
    public StyleTransferService service() throws HostException {
        try {
            StyleTransferService s = serviceTracker.waitForService(config.serviceTimeout().toMillis());
            if (s != null) return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostException("interrupted while waiting for the StyleTransferService", e);
        }
        StringBuilder msg = new StringBuilder("no StyleTransferService after ").append(config.serviceTimeout().toSeconds())
                .append(" s; installed features ").append(features.installed()).append(" from ").append(config.featureRepository());
        if (!features.installed().contains("core")) msg.append("; the 'core' feature (which provides it) is not installed");
        if (!startProblems.isEmpty()) msg.append("; problems at start: ").append(startProblems);
        msg.append("; bundles: ");
        bundles().forEach(b -> msg.append(b.symbolicName()).append(' ').append(b.version()).append(' ').append(b.state()).append(", "));
        throw new HostException(msg.toString());
    }

    /** Installs, verifies and uninstalls features. */
    public FeatureInstaller features() { return features; }

    /** The bundles in the framework, by id (the system bundle is id 0). */
    public List<BundleInfo> bundles() {
        return Arrays.stream(framework.getBundleContext().getBundles()).sorted(Comparator.comparingLong(Bundle::getBundleId))
                .map(BundleInfo::of).toList();
    }

    /** The watched folder: copy a bundle in to install it, replace it to update, delete it to uninstall. */
    public Path bundlesDirectory() { return config.bundlesDirectory(); }

    /** The framework's system bundle context. */
    public BundleContext context() { return framework.getBundleContext(); }

    /** Features that failed to install while the host started, one message each. */
    public List<String> startProblems() { return startProblems; }

    /** Bundles refused because they embed DJL or libtorch, since the host started. */
    public List<BundleRefusal> refusals() { return guard.refusals(); }

    /**
     * Installs and starts a bundle jar (location = the file's URI); refuses one that embeds DJL or libtorch.
     *
     * @throws HostException naming the jar when it is unreadable, refused, or fails to resolve or start (it is then
     *         uninstalled again)
     */
    public BundleInfo install(Path jar) throws HostException {
        byte[] bytes = checkedBundleBytes(jar);
        Bundle bundle;
        try {
            bundle = context().installBundle(jar.toAbsolutePath().toUri().toString(), new java.io.ByteArrayInputStream(bytes));
        } catch (BundleException e) {
            throw new HostException("cannot install " + jar + ": " + e.getMessage(), e);
        }
        try {
            if (bundle.getHeaders("").get(Constants.FRAGMENT_HOST) == null) bundle.start();
        } catch (BundleException | IllegalStateException e) {
            try {
                bundle.uninstall();
            } catch (BundleException | IllegalStateException ignored) {
                // already gone
            }
            throw new HostException("installed " + jar + " but it could not start, so it was removed again: " + e.getMessage(), e);
        }
        return BundleInfo.of(bundle);
    }

    /**
     * Replaces a bundle's content with another jar (e.g. a rebuilt version) and refreshes its dependants.
     *
     * @throws HostException for an unknown id, an unreadable or refused jar, or a failed update
     */
    public BundleInfo update(long bundleId, Path jar) throws HostException {
        Bundle bundle = bundle(bundleId);
        byte[] bytes = checkedBundleBytes(jar);
        try {
            bundle.update(new java.io.ByteArrayInputStream(bytes));
        } catch (BundleException | IllegalStateException e) {
            throw new HostException("cannot update " + bundle.getSymbolicName() + " [" + bundleId + "] from " + jar + ": " + e.getMessage(), e);
        }
        refresh(List.of(bundle));
        return BundleInfo.of(bundle);
    }

    /**
     * Stops, uninstalls and refreshes a bundle.
     *
     * @throws HostException for an unknown id, the system bundle, or a failed uninstall
     */
    public void uninstall(long bundleId) throws HostException {
        if (bundleId == 0) throw new HostException("the system bundle cannot be uninstalled");
        Bundle bundle = bundle(bundleId);
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException e) {
            throw new HostException("cannot uninstall " + bundle.getSymbolicName() + " [" + bundleId + "]: " + e.getMessage(), e);
        }
        refresh(List.of(bundle));
    }

    /** The first bundle with this symbolic name (highest version first). */
    public Optional<BundleInfo> bundle(String symbolicName) {
        return bundles().stream().filter(b -> b.symbolicName().equals(symbolicName))
                .max(Comparator.comparing(b -> org.osgi.framework.Version.parseVersion(b.version())));
    }

    /** Stops the framework and waits (up to 30 s) until it has stopped. */
    @Override
    public void close() {
        serviceTracker.close();
        stopQuietly(framework);
        guard.close();
    }

    private Bundle bundle(long id) throws HostException {
        Bundle bundle = context().getBundle(id);
        if (bundle == null) throw new HostException("no bundle with id " + id + "; bundles: " + bundles());
        return bundle;
    }

    private static byte[] checkedBundleBytes(Path jar) throws HostException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(jar)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new HostException("cannot read bundle " + jar + ": " + e, e);
        }
        Optional<String> embedded;
        try {
            embedded = EmbeddedDjlDetector.inspect(jar);
        } catch (IOException e) {
            throw new HostException(jar + " is not a jar: " + e.getMessage(), e);
        }
        if (embedded.isPresent()) {
            throw new HostException("refused bundle " + jar + ": it " + embedded.get()
                    + "; DJL is provided by the host, import ai.djl.* instead of embedding it");
        }
        return bytes;
    }

    private void refresh(List<Bundle> bundles) {
        FrameworkWiring wiring = framework.adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(new ArrayList<>(bundles), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) done.countDown();
        });
        try {
            if (!done.await(30, TimeUnit.SECONDS)) LOG.warn("Refresh did not finish within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void stopQuietly(Framework framework) {
        try {
            framework.stop();
            framework.waitForStop(30_000);
        } catch (BundleException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            LOG.warn("Framework did not stop cleanly: {}", e.getMessage());
        }
    }
}
