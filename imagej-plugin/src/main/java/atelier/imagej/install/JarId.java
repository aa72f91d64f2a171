package atelier.imagej.install;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

/**
 * Which library a jar is: {@code groupId} and {@code artifactId} from its {@code META-INF/maven/…/pom.properties}
 * when it has exactly one, else the artifact id parsed from the file name ({@code name-1.2.3[-classifier].jar})
 * and no group.
 *
 * @param groupId    the Maven group, or null when unknown
 * @param artifactId the Maven artifact id (or the file name's stem)
 * @param version    the version, or "" when unknown
 */
record JarId(String groupId, String artifactId, String version) {
    private static final Pattern FILE = Pattern.compile("^(.+?)-(\\d[\\w.\\-]*?)(-[A-Za-z][\\w.\\-]*)?\\.jar$");

    /** Reads a jar's identity; a jar that cannot be read is identified by its file name. */
    static JarId of(Path jar) {
        try (JarFile jf = new JarFile(jar.toFile())) {
            Properties found = null;
            int count = 0;
            for (Enumeration<? extends ZipEntry> e = jf.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                String n = entry.getName();
                if (n.startsWith("META-INF/maven/") && n.endsWith("/pom.properties")) {
                    count++;
                    Properties p = new Properties();
                    try (InputStream in = jf.getInputStream(entry)) {
                        p.load(in);
                    }
                    found = p;
                }
            }
            if (count == 1 && found.getProperty("artifactId") != null) {
                return new JarId(found.getProperty("groupId"), found.getProperty("artifactId"),
                        found.getProperty("version", ""));
            }
        } catch (IOException | RuntimeException e) {
            // fall back to the file name
        }
        return fromFileName(jar.getFileName().toString());
    }

    static JarId fromFileName(String name) {
        Matcher m = FILE.matcher(name);
        if (m.matches()) {
            return new JarId(null, m.group(1), m.group(2));
        }
        return new JarId(null, name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name, "");
    }

    /** Whether both name the same library (same artifact id; same group when both groups are known). */
    boolean sameLibrary(JarId other) {
        if (!artifactId.equals(other.artifactId)) {
            return false;
        }
        return groupId == null || other.groupId == null || groupId.equals(other.groupId);
    }

    @Override
    public String toString() {
        return (groupId == null ? "" : groupId + ":") + artifactId + (version.isEmpty() ? "" : ":" + version);
    }
}
