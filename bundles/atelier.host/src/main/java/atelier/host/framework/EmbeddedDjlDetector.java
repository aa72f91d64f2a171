package atelier.host.framework;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.osgi.framework.Bundle;

/**
 * Finds DJL or libtorch inside a bundle: classes under {@code ai/djl/}, DJL's {@code native/lib/} and
 * {@code jnilib/} folders, {@code libtorch*} files under {@code pytorch/}, or native libraries named after torch —
 * in the bundle itself or in a jar on its {@code Bundle-ClassPath}. Such a bundle would load a second copy of DJL
 * and its native libraries, which fails on the first update (docs/adr/0001).
 */
public final class EmbeddedDjlDetector {

    private EmbeddedDjlDetector() {}

    /** Why an entry name is forbidden, or empty when it is fine. */
    public static Optional<String> offending(String entryName) {
        String name = entryName.startsWith("/") ? entryName.substring(1) : entryName;
        if (name.isEmpty() || name.endsWith("/")) return Optional.empty();   // folders alone load nothing
        String lower = name.toLowerCase(Locale.ROOT);
        String file = lower.substring(lower.lastIndexOf('/') + 1);
        if (lower.startsWith("ai/djl/")) return Optional.of("contains DJL classes (" + name + ")");
        if (lower.contains("/ai/djl/") && lower.endsWith(".class")) return Optional.of("contains DJL classes (" + name + ")");
        if (lower.startsWith("native/lib/")) {
            return Optional.of("contains DJL native libraries (" + name + ")");
        }
        if (lower.startsWith("jnilib/") && file.contains("djl_torch")) return Optional.of("contains the DJL JNI library (" + name + ")");
        if ((lower.startsWith("pytorch/") || lower.contains("/pytorch/")) && file.startsWith("libtorch")) {
            return Optional.of("contains libtorch (" + name + ")");
        }
        boolean nativeLib = file.endsWith(".so") || file.contains(".so.") || file.endsWith(".dll") || file.endsWith(".dylib");
        if (nativeLib && (file.contains("torch") || file.startsWith("libc10") || file.startsWith("c10"))) {
            return Optional.of("contains a torch native library (" + name + ")");
        }
        return Optional.empty();
    }

    /** Inspects a jar file before it is installed. */
    public static Optional<String> inspect(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> names = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements();) names.add(e.nextElement().getName());
            Optional<String> direct = firstOffending(names);
            if (direct.isPresent()) return direct;
            Manifest mf = file.getManifest();
            String classPath = mf == null ? null : mf.getMainAttributes().getValue("Bundle-ClassPath");
            for (String inner : nestedJars(classPath)) {
                ZipEntry entry = file.getEntry(inner);
                if (entry == null || entry.isDirectory()) continue;
                try (InputStream in = file.getInputStream(entry)) {
                    Optional<String> found = inspectNested(inner, in);
                    if (found.isPresent()) return found;
                }
            }
            return Optional.empty();
        }
    }

    /** Inspects an installed bundle through its entries (does not resolve it). */
    public static Optional<String> inspect(Bundle bundle) throws IOException {
        List<String> names = new ArrayList<>();
        collect(bundle, "/", names, 0);
        Optional<String> direct = firstOffending(names);
        if (direct.isPresent()) return direct;
        for (String inner : nestedJars(bundle.getHeaders("").get("Bundle-ClassPath"))) {
            var url = bundle.getEntry(inner);
            if (url == null) continue;
            try (InputStream in = url.openStream()) {
                Optional<String> found = inspectNested(inner, in);
                if (found.isPresent()) return found;
            }
        }
        return Optional.empty();
    }

    private static void collect(Bundle bundle, String path, List<String> names, int depth) {
        if (depth > 64) return;
        Enumeration<String> children = bundle.getEntryPaths(path);
        if (children == null) return;
        while (children.hasMoreElements()) {
            String child = children.nextElement();
            names.add(child);
            if (child.endsWith("/")) collect(bundle, child, names, depth + 1);
        }
    }

    private static Optional<String> firstOffending(List<String> names) {
        for (String n : names) {
            Optional<String> why = offending(n);
            if (why.isPresent()) return why;
        }
        return Optional.empty();
    }

    private static Optional<String> inspectNested(String jarName, InputStream in) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null;) {
                Optional<String> why = offending(e.getName());
                if (why.isPresent()) return Optional.of(why.get() + " in Bundle-ClassPath jar " + jarName);
            }
        }
        return Optional.empty();
    }

    private static List<String> nestedJars(String bundleClassPath) {
        List<String> jars = new ArrayList<>();
        for (HeaderClause c : HeaderClause.parse(bundleClassPath)) {
            for (String p : c.paths()) {
                String path = p.startsWith("/") ? p.substring(1) : p;
                if (!path.equals(".") && !path.endsWith("/")) jars.add(path);
            }
        }
        return jars;
    }
}
