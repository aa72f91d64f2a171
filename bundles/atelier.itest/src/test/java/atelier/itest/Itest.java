package atelier.itest;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Paths handed over by the build, waiting, and bundle jars made on the fly. */
final class Itest {
    private Itest() {}

    /** The feature repository assembled by the build from features/NAME/target/repository. */
    static Path featureRepository() {
        return requiredFolder("atelier.features");
    }

    /** The example third-party strategy bundle. */
    static Path exampleJar() {
        Path jar = requiredFolder("atelier.itest.bundles").resolve("atelier.example.noiseblend.jar");
        if (!Files.isRegularFile(jar)) fail("example strategy jar missing: " + jar + " (run mvn verify)");
        return jar;
    }

    private static Path requiredFolder(String property) {
        String value = System.getProperty(property);
        if (value == null) fail("system property " + property + " not set; run the integration tests with mvn verify");
        Path p = Path.of(value);
        if (!Files.isDirectory(p)) fail(property + " = " + p + " is not a folder; run mvn verify so the features are packaged");
        return p;
    }

    /** Waits until the condition holds, failing with the message (and the last state) after the timeout. */
    static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<Object> state) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return;
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
        if (!condition.getAsBoolean()) fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; state: " + state.get());
    }

    /** A copy of a bundle jar with a different Bundle-Version (a "rebuilt" bundle). */
    static Path withVersion(Path source, Path target, String version) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(source))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().putValue("Bundle-Version", version);
            Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "bundle", ".tmp");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp), mf)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null;) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
            return Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A minimal bundle with the given extra entries (name to content). */
    static Path bundle(Path target, String symbolicName, String version, Map<String, byte[]> entries) throws IOException {
        return bundle(target, symbolicName, version, Map.of(), entries);
    }

    /** A minimal bundle with extra manifest headers and entries (name to content). */
    static Path bundle(Path target, String symbolicName, String version, Map<String, String> headers,
            Map<String, byte[]> entries) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", version);
        headers.forEach(a::putValue);
        try (OutputStream os = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(os, mf)) {
            for (var e : entries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return target;
    }

    /** Copies a file atomically (temp file in the target folder, then a move), as a user's "copy into the folder". */
    static void copyAtomically(Path source, Path target) throws IOException {
        // the temp file lives next to the watched folder, not in it, so the watcher only ever sees whole jars
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent().getParent(), "incoming", ".part");
        try (InputStream in = Files.newInputStream(source)) {
            Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
