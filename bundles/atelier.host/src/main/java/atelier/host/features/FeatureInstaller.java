package atelier.host.features;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import atelier.host.framework.EmbeddedDjlDetector;

/**
 * Installs and uninstalls named features. A feature is a folder {@code <repository>/<name>/} holding
 * {@code <name>.bndrun} (its {@code -runbundles}, resolved at build time), an R5 {@code index.xml} and the bundle jars.
 * Installing picks, for every run bundle, the highest version in the index that fits the range, verifies every jar's
 * size and SHA-256 <em>before</em> installing anything, installs the jars from the verified bytes and starts the
 * non-fragments. Uninstalling removes the bundles no other installed feature needs. Installed features are recorded in
 * a file so the host reinstalls them on its next start.
 */
public final class FeatureInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureInstaller.class);

    private final BundleContext context;
    private final Path repository;
    private final InstalledFeatures record;
    private final Map<String, Set<Long>> bundlesByFeature = new LinkedHashMap<>();
    private final Set<String> declined = new LinkedHashSet<>();
    /** Recorded features not (yet) installed on start; kept in the record so a passing problem loses nothing. */
    private final Set<String> failedOnRestore = new LinkedHashSet<>();

    /**
     * @param context       the framework's system bundle context
     * @param repository    the folder of feature folders
     * @param installedFile the record of installed features
     */
    public FeatureInstaller(BundleContext context, Path repository, Path installedFile) {
        this.context = context;
        this.repository = repository;
        this.record = new InstalledFeatures(installedFile);
    }

    /** The feature repository folder. */
    public Path repository() { return repository; }

    /** Names of the features in the repository (folders holding {@code <name>/<name>.bndrun}), sorted. */
    public List<String> available() {
        if (!Files.isDirectory(repository)) return List.of();
        try (Stream<Path> dirs = Files.list(repository)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve(d.getFileName() + ".bndrun")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            LOG.warn("Cannot list feature repository {}: {}", repository, e.getMessage());
            return List.of();
        }
    }

    /** Names of the installed features, in install order. */
    public synchronized List<String> installed() {
        return List.copyOf(bundlesByFeature.keySet());
    }

    /** The bundles a feature would install (highest matching versions), without installing anything. */
    public List<IndexedBundle> plan(String name) throws FeatureException {
        Path folder = featureFolder(name);
        List<RunBundle> runBundles = BndrunFile.runBundles(folder.resolve(name + ".bndrun"));
        RepositoryIndex index = RepositoryIndex.readFolder(folder);
        List<IndexedBundle> plan = new ArrayList<>();
        for (RunBundle run : runBundles) {
            plan.add(index.best(run).orElseThrow(() -> new FeatureException("feature '" + name + "': " + index.file()
                    + " has no bundle " + run.symbolicName() + " in version range " + run.range())));
        }
        return plan;
    }

    /**
     * Installs a feature and starts its bundles; does nothing when it is installed already.
     *
     * @throws FeatureException unknown feature, a missing jar, a size or SHA-256 mismatch, a jar embedding DJL (nothing
     *         is installed in these cases), or a bundle that fails to start (the feature's new bundles are removed)
     */
    public synchronized void install(String name) throws FeatureException {
        if (bundlesByFeature.containsKey(name)) return;
        List<IndexedBundle> plan = plan(name);
        Map<IndexedBundle, byte[]> verified = new LinkedHashMap<>();
        for (IndexedBundle b : plan) {
            if (findInstalled(b).isEmpty()) verified.put(b, readVerified(name, b));
        }
        List<Bundle> added = new ArrayList<>();
        Set<Long> ids = new LinkedHashSet<>();
        try {
            for (IndexedBundle b : plan) {
                Optional<Bundle> present = findInstalled(b);
                Bundle bundle;
                if (present.isPresent()) {
                    bundle = present.get();
                } else {
                    bundle = context.installBundle(b.url().toString(), new ByteArrayInputStream(verified.get(b)));
                    added.add(bundle);
                }
                ids.add(bundle.getBundleId());
            }
            for (Long id : ids) {
                Bundle bundle = context.getBundle(id);
                if (bundle == null) {
                    throw new FeatureException("feature '" + name + "': bundle " + id + " disappeared while installing");
                }
                if (!isFragment(bundle) && bundle.getState() != Bundle.ACTIVE) bundle.start();
            }
        } catch (BundleException | IllegalStateException | SecurityException e) {
            rollback(added);
            throw new FeatureException("feature '" + name + "' could not be installed: " + e.getMessage(), e);
        } catch (FeatureException e) {
            rollback(added);
            throw e;
        }
        bundlesByFeature.put(name, ids);
        declined.remove(name);
        failedOnRestore.remove(name);
        save();
        LOG.info("Installed feature {} ({} bundles, {} new)", name, ids.size(), added.size());
    }

    /**
     * Stops and uninstalls the feature's bundles that no other installed feature needs, then refreshes.
     *
     * @throws FeatureException when the feature is not installed
     */
    public synchronized void uninstall(String name) throws FeatureException {
        Set<Long> ids = bundlesByFeature.get(name);
        if (ids == null && failedOnRestore.remove(name)) {   // recorded but never came up: just forget it
            declined.add(name);
            save();
            return;
        }
        if (ids == null) {
            throw new FeatureException("feature '" + name + "' is not installed; installed: " + installed());
        }
        Set<Long> stillNeeded = new LinkedHashSet<>();
        bundlesByFeature.forEach((other, otherIds) -> {
            if (!other.equals(name)) stillNeeded.addAll(otherIds);
        });
        List<Bundle> removed = new ArrayList<>();
        List<Long> order = new ArrayList<>(ids);
        java.util.Collections.reverse(order);
        List<String> problems = new ArrayList<>();
        for (Long id : order) {
            if (stillNeeded.contains(id)) continue;
            Bundle bundle = context.getBundle(id);
            if (bundle == null) continue;
            try {
                bundle.uninstall();   // stops it first
                removed.add(bundle);
            } catch (BundleException | IllegalStateException e) {
                problems.add(bundle.getSymbolicName() + ": " + e.getMessage());
            }
        }
        bundlesByFeature.remove(name);
        declined.add(name);
        save();
        refresh(removed);
        if (!problems.isEmpty()) {
            throw new FeatureException("feature '" + name + "' uninstalled, but some bundles failed: " + problems);
        }
        LOG.info("Uninstalled feature {} ({} bundles removed)", name, removed.size());
    }

    /**
     * Installs the recorded features and then the {@code initial} ones not installed yet, except those the user
     * uninstalled (the host calls this on start; its framework storage starts empty every time).
     *
     * @return problems, one message per feature that failed; empty when all installed
     */
    public synchronized List<String> restore(List<String> initial) throws FeatureException {
        InstalledFeatures.Content content = record.read();
        declined.addAll(content.declined());
        failedOnRestore.addAll(content.installed());   // pending until installed; whatever is left failed
        LinkedHashSet<String> wanted = new LinkedHashSet<>(content.installed());
        for (String name : initial) {
            if (!declined.contains(name)) wanted.add(name);
        }
        List<String> problems = new ArrayList<>();
        for (String name : wanted) {
            try {
                install(name);
            } catch (FeatureException e) {
                LOG.error(e.getMessage());
                problems.add(e.getMessage());
            }
        }
        if (!failedOnRestore.isEmpty()) save();
        return problems;
    }

    private void save() throws FeatureException {
        List<String> names = new ArrayList<>(installed());
        failedOnRestore.stream().filter(n -> !names.contains(n)).forEach(names::add);
        record.write(names, declined);
    }

    private Path featureFolder(String name) throws FeatureException {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new FeatureException("bad feature name '" + name + "': use letters, digits, '.', '_' or '-'");
        }
        if (!Files.isDirectory(repository)) {
            throw new FeatureException("cannot install feature '" + name + "': the feature repository " + repository
                    + " does not exist; point the system property atelier.features or env ATELIER_FEATURES at the folder"
                    + " holding one <name>/ folder per feature");
        }
        Path folder = repository.resolve(name);
        if (!Files.isRegularFile(folder.resolve(name + ".bndrun"))) {
            throw new FeatureException("unknown feature '" + name + "' in " + repository + "; available: " + available());
        }
        return folder;
    }

    private Optional<Bundle> findInstalled(IndexedBundle b) {
        for (Bundle bundle : context.getBundles()) {
            if (b.symbolicName().equals(bundle.getSymbolicName()) && b.version().equals(bundle.getVersion())
                    && bundle.getState() != Bundle.UNINSTALLED) {
                return Optional.of(bundle);
            }
        }
        return Optional.empty();
    }

    private static byte[] readVerified(String feature, IndexedBundle b) throws FeatureException {
        Path jar;
        try {
            jar = Path.of(b.url());
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new FeatureException("feature '" + feature + "': only local files are supported, got " + b.url(), e);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(jar);
        } catch (IOException e) {
            throw new FeatureException("feature '" + feature + "': cannot read " + jar + " (" + e + "); nothing was installed", e);
        }
        if (b.size() >= 0 && bytes.length != b.size()) {
            throw new FeatureException("feature '" + feature + "': " + jar + " has " + bytes.length
                    + " bytes but the index says " + b.size() + "; nothing was installed");
        }
        String actual = sha256(bytes);
        if (!actual.equals(b.sha256())) {
            throw new FeatureException("feature '" + feature + "': SHA-256 mismatch for " + jar + ": file has " + actual
                    + " but the index says " + b.sha256() + "; nothing was installed");
        }
        try {
            Optional<String> embedded = EmbeddedDjlDetector.inspect(jar);
            if (embedded.isPresent()) {
                throw new FeatureException("feature '" + feature + "': " + b.symbolicName() + " (" + jar + ") "
                        + embedded.get() + "; bundles must import DJL from the host, not embed it; nothing was installed");
            }
        } catch (IOException e) {
            throw new FeatureException("feature '" + feature + "': cannot open " + jar + " as a jar: " + e.getMessage(), e);
        }
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 not available", e);
        }
    }

    private static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders("").get("Fragment-Host") != null;
    }

    private void rollback(List<Bundle> added) {
        for (Bundle b : added) {
            try {
                b.uninstall();
            } catch (BundleException | IllegalStateException e) {
                LOG.warn("Could not remove {} after a failed install: {}", b.getSymbolicName(), e.getMessage());
            }
        }
        refresh(added);
    }

    private void refresh(List<Bundle> bundles) {
        if (bundles.isEmpty()) return;
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(bundles, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) done.countDown();
        });
        try {
            if (!done.await(30, TimeUnit.SECONDS)) LOG.warn("Refresh after uninstall did not finish within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
