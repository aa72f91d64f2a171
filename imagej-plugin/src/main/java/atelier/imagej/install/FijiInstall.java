package atelier.imagej.install;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Installs the plugin into a Fiji (or ImageJ) folder in Fiji's layout:
 * <ul>
 * <li>the plugin jar into {@code plugins/} (older {@code Atelier_-*.jar} there are removed);</li>
 * <li>each library into {@code jars/}, <b>unless Fiji already has that library</b> (same artifact, any version,
 * anywhere under {@code jars/} or {@code plugins/}): Fiji's copy is kept and reported, because two versions on
 * one class path fail in ways that are hard to read. A library that an earlier run of this installer put there is
 * replaced by the new version instead;</li>
 * <li>the built features into {@code atelier/features/<name>/} (replacing the same feature).</li>
 * </ul>
 * What it copied is recorded in {@code atelier/installed-jars.txt}. Files are copied to a temporary name and
 * moved into place. Usage: {@code FijiInstall <Fiji.app> <plugin.jar> <libraries folder> [feature repository…]}.
 */
public final class FijiInstall {
    static final String RECORD = "atelier/installed-jars.txt";

    private final Path fiji;
    private final PrintStream out;

    FijiInstall(Path fiji, PrintStream out) {
        this.fiji = fiji;
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: FijiInstall <Fiji.app> <plugin.jar> <libraries folder> "
                    + "[feature repository…]");
        }
        List<Path> features = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            features.add(Path.of(args[i]));
        }
        new FijiInstall(Path.of(args[0]), System.out).install(Path.of(args[1]), Path.of(args[2]), features);
    }

    /** Copies everything; returns the files written (relative to the Fiji folder). */
    List<String> install(Path pluginJar, Path libraries, List<Path> featureRepositories) throws IOException {
        if (!Files.isDirectory(fiji.resolve("plugins"))) {
            throw new IllegalArgumentException(fiji + " is not a Fiji or ImageJ folder (it has no plugins/): pass "
                    + "-Dscijava.app.directory=/path/to/Fiji.app");
        }
        if (!Files.isRegularFile(pluginJar)) {
            throw new IllegalArgumentException("no plugin jar at " + pluginJar + ": run the package phase");
        }
        Files.createDirectories(fiji.resolve("jars"));
        Set<String> ours = readRecord();
        Set<String> written = new LinkedHashSet<>();
        List<Path> present = jarsIn(fiji.resolve("jars"));
        present.addAll(jarsIn(fiji.resolve("plugins")));

        for (Path old : jarsIn(fiji.resolve("plugins"))) {
            String n = old.getFileName().toString();
            if (n.startsWith("Atelier_-") && !n.equals(pluginJar.getFileName().toString())) {
                Files.delete(old);
                out.println("removed older plugin " + fiji.relativize(old));
            }
        }
        written.add(copy(pluginJar, fiji.resolve("plugins").resolve(pluginJar.getFileName())));

        List<Path> libs = jarsIn(libraries);
        libs.sort(Comparator.comparing(Path::toString));
        int kept = 0;
        for (Path lib : libs) {
            JarId id = JarId.of(lib);
            Path fijiCopy = null;
            for (Path p : present) {
                if (p.getFileName().toString().startsWith("Atelier_-")) {
                    continue;
                }
                if (JarId.of(p).sameLibrary(id)) {
                    fijiCopy = p;
                    break;
                }
            }
            Path target = fiji.resolve("jars").resolve(lib.getFileName());
            if (fijiCopy != null && !ours.contains(rel(fijiCopy))) {
                out.println("kept Fiji's " + rel(fijiCopy) + " (Atelier brings " + id + ")");
                kept++;
                continue;
            }
            if (fijiCopy != null && !fijiCopy.equals(target)) {
                Files.delete(fijiCopy); // an older copy this installer put there
                out.println("replaced " + rel(fijiCopy));
            }
            written.add(copy(lib, target));
        }
        for (Path repository : featureRepositories) {
            if (!Files.isDirectory(repository)) {
                throw new IllegalArgumentException("no feature repository at " + repository + ": build the "
                        + "features (mvn package -pl imagej-plugin -am)");
            }
            try (Stream<Path> list = Files.list(repository)) {
                for (Path feature : (Iterable<Path>) list.filter(Files::isDirectory)::iterator) {
                    Path target = fiji.resolve("atelier/features").resolve(feature.getFileName().toString());
                    deleteTree(target);
                    copyTree(feature, target);
                    out.println("feature " + feature.getFileName() + " -> " + rel(target));
                }
            }
        }
        Set<String> record = new LinkedHashSet<>(ours);
        record.removeIf(r -> !Files.exists(fiji.resolve(r)));
        record.addAll(written);
        Path file = fiji.resolve(RECORD);
        Files.createDirectories(file.getParent());
        Files.write(file, record);
        out.println("Atelier installed into " + fiji + ": " + written.size() + " jar(s) copied, " + kept
                + " library jar(s) already in Fiji kept. Restart Fiji; the commands are under Plugins › Atelier.");
        return new ArrayList<>(written);
    }

    private Set<String> readRecord() throws IOException {
        Path file = fiji.resolve(RECORD);
        return Files.isRegularFile(file) ? new LinkedHashSet<>(Files.readAllLines(file)) : new LinkedHashSet<>();
    }

    private String copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Path tmp = to.resolveSibling("." + to.getFileName() + ".part");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        out.println("copied " + rel(to));
        return rel(to);
    }

    private String rel(Path p) {
        return fiji.relativize(p).toString().replace('\\', '/');
    }

    private static List<Path> jarsIn(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar")).forEach(out::add);
        }
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
