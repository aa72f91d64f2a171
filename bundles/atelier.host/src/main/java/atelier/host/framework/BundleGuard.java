package atelier.host.framework;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import atelier.host.BundleRefusal;

/**
 * Refuses bundles that embed DJL or libtorch, however they arrive (a feature, the watched folder, a direct
 * {@code installBundle}). A synchronous listener inspects every installed or updated bundle before anyone can start
 * it; a resolver hook keeps refused bundles from resolving (so they can never load a class); the reason is logged
 * and kept in {@link #refusals()}. A refused bundle is then uninstalled — except one that comes from the watched
 * folder: that one stays INSTALLED (and unresolvable) so the folder watcher can still update it when the file is
 * replaced by a fixed jar, and uninstall it when the file is deleted.
 */
public final class BundleGuard implements SynchronousBundleListener, ResolverHookFactory {
    private static final Logger LOG = LoggerFactory.getLogger(BundleGuard.class);

    private final Map<Long, BundleRefusal> refused = new ConcurrentHashMap<>();
    private final List<BundleRefusal> history = new CopyOnWriteArrayList<>();
    private final java.util.function.Consumer<BundleRefusal> listener;
    private final ExecutorService uninstaller = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "atelier-bundle-guard");
        t.setDaemon(true);
        return t;
    });

    private final java.nio.file.Path watchedFolder;

    /** A guard that only logs refusals and uninstalls every refused bundle. */
    public BundleGuard() {
        this(r -> { }, null);
    }

    /**
     * @param listener      told about each refusal (exceptions it throws are logged and ignored)
     * @param watchedFolder bundles installed from files in this folder are left to its watcher; may be null
     */
    public BundleGuard(java.util.function.Consumer<BundleRefusal> listener, java.nio.file.Path watchedFolder) {
        this.listener = listener;
        this.watchedFolder = watchedFolder == null ? null : watchedFolder.toAbsolutePath().normalize();
    }

    /** Starts guarding a framework; call between {@code init()} and {@code start()}. */
    public void attach(BundleContext systemContext) {
        systemContext.addBundleListener(this);
        systemContext.registerService(ResolverHookFactory.class, this, null);
    }

    /** Every refusal since the host started, oldest first. */
    public List<BundleRefusal> refusals() {
        return List.copyOf(history);
    }

    /** Stops the uninstall thread. */
    public void close() {
        uninstaller.shutdown();
        try {
            uninstaller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        if (bundle.getBundleId() == 0) return;
        switch (event.getType()) {
            case BundleEvent.INSTALLED, BundleEvent.UPDATED -> check(bundle);
            case BundleEvent.UNINSTALLED -> refused.remove(bundle.getBundleId());
            default -> { }
        }
    }

    private void check(Bundle bundle) {
        Optional<String> why;
        try {
            why = EmbeddedDjlDetector.inspect(bundle);
        } catch (IOException | RuntimeException e) {
            why = Optional.of("its content could not be read: " + e.getMessage());
        }
        if (why.isEmpty()) {
            refused.remove(bundle.getBundleId());
            return;
        }
        BundleRefusal refusal = new BundleRefusal(bundle.getLocation(), String.valueOf(bundle.getSymbolicName()), why.get());
        refused.put(bundle.getBundleId(), refusal);
        history.add(refusal);
        boolean watched = fromWatchedFolder(bundle.getLocation());
        LOG.error(watched ? refusal.message() + " It stays unresolved until the file is replaced or deleted." : refusal.message());
        try {
            listener.accept(refusal);
        } catch (RuntimeException e) {
            LOG.warn("Refusal listener failed: {}", e.toString());
        }
        if (!watched) uninstaller.submit(() -> uninstall(bundle));
    }

    /** Whether a bundle location is a file inside the watched folder. */
    boolean fromWatchedFolder(String location) {
        if (watchedFolder == null || location == null || !location.startsWith("file:")) return false;
        try {
            return java.nio.file.Path.of(java.net.URI.create(location)).toAbsolutePath().normalize().startsWith(watchedFolder);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return false;
        }
    }

    private static void uninstall(Bundle bundle) {
        try {
            if (bundle.getState() != Bundle.UNINSTALLED) bundle.uninstall();
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("Could not uninstall refused bundle {}: {}", bundle.getSymbolicName(), e.getMessage());
        }
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return new ResolverHook() {
            @Override
            public void filterResolvable(Collection<BundleRevision> candidates) {
                candidates.removeIf(r -> refused.containsKey(r.getBundle().getBundleId()));
            }

            @Override
            public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> candidates) { }

            @Override
            public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) { }

            @Override
            public void end() { }
        };
    }
}
