package atelier.imagej;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import atelier.api.StrategyInfo;
import atelier.api.StyleTransferService;
import atelier.host.AtelierHost;
import atelier.host.BundleInfo;
import atelier.host.BundleRefusal;
import atelier.host.features.FeatureException;

/**
 * What Manage Strategies… does with the running host: lists strategies, features and bundles with their
 * versions; installs a bundle jar (copied into the host's watched bundles folder, so it stays installed after a
 * restart) or a feature (a folder holding {@code <name>.bndrun}, copied into the feature repository if it is not
 * there, then installed with SHA-256 checks); uninstalls a feature or a bundle. Strategies added or removed this way
 * show up in the Style Transfer dialog at once: the dialog asks the service every time.
 */
final class StrategyManager {
    private static final long WAIT_MILLIS = 15_000;

    private final AtelierHost host;
    private final StyleTransferService service;

    StrategyManager(AtelierHost host, StyleTransferService service) {
        this.host = host;
        this.service = service;
    }

    /** Strategies, features (available / installed) and bundles, as text. */
    String list() {
        StringBuilder sb = new StringBuilder();
        sb.append("Strategies:\n");
        for (StrategyInfo s : service.strategies()) {
            sb.append("  ").append(s.id()).append("  ").append(s.spec().name()).append("  [").append(s.bundle())
                    .append(' ').append(s.version()).append("]\n");
        }
        List<String> installed = host.features().installed();
        sb.append("Features in ").append(host.features().repository()).append(":\n");
        for (String f : host.features().available()) {
            sb.append("  ").append(f).append(installed.contains(f) ? "  (installed)" : "").append('\n');
        }
        sb.append("Bundles:\n");
        for (BundleInfo b : host.bundles()) {
            sb.append(String.format("  %3d  %-45s %-16s %s%n", b.id(), b.symbolicName(), b.version(), b.state()));
        }
        sb.append("Watched bundles folder: ").append(host.bundlesDirectory()).append('\n');
        return sb.toString();
    }

    /**
     * Installs a bundle jar or a feature folder (or its {@code .bndrun} file).
     *
     * @return what happened
     * @throws IllegalArgumentException naming the file and what to do
     */
    String installFile(Path file) throws IOException, FeatureException, InterruptedException {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("file: " + file + " does not exist");
        }
        if (Files.isRegularFile(file) && file.getFileName().toString().endsWith(".jar")) {
            return installJar(file);
        }
        Path folder = Files.isDirectory(file) ? file : file.getParent();
        String name = folder.getFileName().toString();
        if (!Files.isRegularFile(folder.resolve(name + ".bndrun"))) {
            throw new IllegalArgumentException("file: " + file + " is neither a bundle jar nor a feature (a folder "
                    + "<name>/ holding <name>.bndrun, index.xml and bundles/)");
        }
        Path repository = host.features().repository();
        Path target = repository.resolve(name);
        if (!folder.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
            if (Files.exists(target)) {
                throw new IllegalArgumentException("a feature named '" + name + "' is already in " + repository
                        + ": install it by name (feature=" + name + ") or remove that folder first");
            }
            copyTree(folder, target);
        }
        return installFeature(name);
    }

    /** Installs a feature of the repository by name. */
    String installFeature(String name) throws FeatureException {
        host.features().install(name);
        return "feature " + name + " installed; strategies now: " + ids();
    }

    String uninstallFeature(String name) throws FeatureException {
        host.features().uninstall(name);
        return "feature " + name + " uninstalled; strategies now: " + ids();
    }

    /** Uninstalls a bundle by symbolic name: deletes it from the watched folder if it came from there. */
    String uninstallBundle(String symbolicName) throws Exception {
        BundleInfo b = host.bundle(symbolicName).orElseThrow(() -> new IllegalArgumentException("bundle: no "
                + "bundle named '" + symbolicName + "'; Manage Strategies… (action=list) lists them"));
        Optional<Path> watched = watchedJar(symbolicName);
        if (watched.isPresent()) {
            Files.delete(watched.get());
            waitFor(() -> host.bundle(symbolicName).isEmpty());
        } else {
            host.uninstall(b.id());
        }
        return "bundle " + symbolicName + " " + b.version() + " uninstalled; strategies now: " + ids();
    }

    private String installJar(Path jar) throws IOException, InterruptedException {
        String bsn = symbolicName(jar);
        Path target = host.bundlesDirectory().resolve(jar.getFileName());
        Path tmp = host.bundlesDirectory().resolve("." + jar.getFileName() + ".part");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        boolean active = waitFor(() -> host.bundles().stream()
                .anyMatch(b -> b.symbolicName().equals(bsn) && b.state().equals("ACTIVE"))
                || refused(bsn).isPresent());
        Optional<BundleRefusal> refusal = refused(bsn);
        if (refusal.isPresent()) {
            Files.deleteIfExists(target);
            throw new IllegalArgumentException(refusal.get().message());
        }
        if (!active) {
            return "copied " + jar.getFileName() + " into " + host.bundlesDirectory() + ", but bundle " + bsn
                    + " is not active yet: check Manage Strategies… (list) and the Log";
        }
        return "bundle " + bsn + " installed from " + jar + "; strategies now: " + ids();
    }

    private Optional<BundleRefusal> refused(String bsn) {
        return host.refusals().stream().filter(r -> bsn.equals(r.symbolicName())).reduce((a, b) -> b);
    }

    private Optional<Path> watchedJar(String bsn) throws IOException {
        try (Stream<Path> files = Files.list(host.bundlesDirectory())) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".jar"))::iterator) {
                if (bsn.equals(symbolicName(p))) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    static String symbolicName(Path jar) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            String bsn = jf.getManifest() == null ? null
                    : jf.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null) {
                throw new IllegalArgumentException("file: " + jar + " is not an OSGi bundle (no "
                        + "Bundle-SymbolicName in its manifest)");
            }
            int semi = bsn.indexOf(';');
            return (semi >= 0 ? bsn.substring(0, semi) : bsn).trim();
        }
    }

    private String ids() {
        return service.strategies().stream().map(StrategyInfo::id).toList().toString();
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MILLIS;
        while (System.currentTimeMillis() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
