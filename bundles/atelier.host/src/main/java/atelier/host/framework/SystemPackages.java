package atelier.host.framework;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.osgi.framework.Version;

/**
 * Computes {@code org.osgi.framework.system.packages.extra}: the packages the host class path shares with the
 * bundles. Read from the jars themselves, so the list always matches what is on the class path:
 * <ul>
 * <li>every package holding classes in the DJL api and pytorch-engine jars, at the jar's version;</li>
 * <li>the {@code atelier.api*} packages, {@code org.slf4j*} and {@code com.google.gson*} as their jars'
 * {@code Export-Package} headers declare them.</li>
 * </ul>
 */
public final class SystemPackages {
    private static final Pattern JAR_VERSION = Pattern.compile("-(\\d+\\.\\d+(?:\\.\\d+)?)(?:[-.][^/]*)?\\.jar$");

    /** A package and its version. */
    public record ExportedPackage(String name, Version version) implements Comparable<ExportedPackage> {
        @Override
        public int compareTo(ExportedPackage o) {
            int c = name.compareTo(o.name);
            return c != 0 ? c : version.compareTo(o.version);
        }

        /** {@code name;version=x.y.z} */
        @Override
        public String toString() {
            return name + ";version=" + version;
        }
    }

    private SystemPackages() {}

    /** The packages this host exports, sorted by name. */
    public static List<ExportedPackage> ofHostClassPath() {
        TreeSet<ExportedPackage> all = new TreeSet<>();
        all.addAll(classPackages(locationOf(ai.djl.engine.Engine.class), "DJL api"));
        all.addAll(classPackages(locationOf(ai.djl.pytorch.engine.PtEngine.class), "DJL pytorch-engine"));
        all.addAll(declaredExports(locationOf(atelier.api.StyleTransferService.class), n -> n.startsWith("atelier.api")));
        all.addAll(declaredExports(locationOf(org.slf4j.Logger.class), n -> n.startsWith("org.slf4j")));
        all.addAll(declaredExports(locationOf(com.google.gson.Gson.class), n -> n.startsWith("com.google.gson")));
        return List.copyOf(all);
    }

    /** The value for {@code org.osgi.framework.system.packages.extra}. */
    public static String header(List<ExportedPackage> packages) {
        return String.join(",", packages.stream().map(ExportedPackage::toString).toList());
    }

    /** The jar (or classes folder) a class was loaded from. */
    public static Path locationOf(Class<?> type) {
        try {
            var source = type.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                throw new IllegalStateException("cannot tell which jar " + type.getName() + " comes from");
            }
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad class path location for " + type.getName(), e);
        }
    }

    /** Every package with {@code .class} files in a jar or folder, at the jar's version. */
    public static List<ExportedPackage> classPackages(Path location, String what) {
        Version version = versionOf(location).orElseThrow(() -> new IllegalStateException(
                "cannot tell the version of " + what + " at " + location
                        + ": no Specification-Version/Implementation-Version in its manifest and none in its file name"));
        TreeSet<String> names = new TreeSet<>();
        try {
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.walk(location)) {
                    files.filter(p -> p.toString().endsWith(".class"))
                            .map(p -> location.relativize(p.getParent() == null ? location : p.getParent()).toString())
                            .filter(p -> !p.isEmpty() && !p.startsWith("META-INF"))
                            .forEach(p -> names.add(p.replace(java.io.File.separatorChar, '.')));
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    jar.stream().map(e -> e.getName())
                            .filter(n -> n.endsWith(".class") && n.indexOf('/') > 0 && !n.startsWith("META-INF/"))
                            .forEach(n -> names.add(n.substring(0, n.lastIndexOf('/')).replace('/', '.')));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + what + " at " + location + ": " + e.getMessage(), e);
        }
        List<ExportedPackage> out = new ArrayList<>();
        names.forEach(n -> out.add(new ExportedPackage(n, version)));
        return out;
    }

    /** The packages a bundle's {@code Export-Package} header declares, filtered by name. */
    public static List<ExportedPackage> declaredExports(Path location, Predicate<String> accept) {
        Manifest mf = manifestOf(location).orElseThrow(() -> new IllegalStateException(
                "no manifest in " + location + "; build it as a bundle so its Export-Package header can be read"));
        String header = mf.getMainAttributes().getValue("Export-Package");
        if (header == null) throw new IllegalStateException("no Export-Package header in " + location);
        List<ExportedPackage> out = new ArrayList<>();
        for (HeaderClause clause : HeaderClause.parse(header)) {
            Version v = Version.parseVersion(clause.attribute("version", "0.0.0"));
            for (String name : clause.paths()) {
                if (accept.test(name)) out.add(new ExportedPackage(name, v));
            }
        }
        if (out.isEmpty()) throw new IllegalStateException("Export-Package of " + location + " exports none of the expected packages");
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** The manifest of a jar or classes folder. */
    public static Optional<Manifest> manifestOf(Path location) {
        try {
            if (Files.isDirectory(location)) {
                Path mf = location.resolve("META-INF/MANIFEST.MF");
                if (!Files.isRegularFile(mf)) return Optional.empty();
                try (InputStream in = Files.newInputStream(mf)) {
                    return Optional.of(new Manifest(in));
                }
            }
            try (JarFile jar = new JarFile(location.toFile())) {
                return Optional.ofNullable(jar.getManifest());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the manifest of " + location + ": " + e.getMessage(), e);
        }
    }

    /** The version a jar declares (Specification-Version, else Implementation-Version), else the one in its name. */
    public static Optional<Version> versionOf(Path location) {
        Optional<Manifest> mf = manifestOf(location);
        if (mf.isPresent()) {
            Attributes a = mf.get().getMainAttributes();
            for (String key : new String[] {"Bundle-Version", "Specification-Version", "Implementation-Version"}) {
                String v = a.getValue(key);
                if (v != null) {
                    try {
                        return Optional.of(Version.parseVersion(v.trim()));
                    } catch (IllegalArgumentException ignored) {
                        // not an OSGi version; try the next one
                    }
                }
            }
        }
        Matcher m = JAR_VERSION.matcher(location.getFileName().toString());
        return m.find() ? Optional.of(Version.parseVersion(m.group(1))) : Optional.empty();
    }
}
