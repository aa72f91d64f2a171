package atelier.imagej.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing into a made-up Fiji.app: Fiji's own libraries are kept, ours are added, reinstalls replace ours. */
class FijiInstallTest {
    @TempDir
    Path tmp;

    private static Path jar(Path file, String group, String artifact, String version) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream os = Files.newOutputStream(file); JarOutputStream out = new JarOutputStream(os)) {
            if (group != null) {
                out.putNextEntry(new JarEntry("META-INF/maven/" + group + "/" + artifact + "/pom.properties"));
                out.write(("groupId=" + group + "\nartifactId=" + artifact + "\nversion=" + version + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return file;
    }

    @Test
    void keepsFijisLibrariesAddsOursAndReplacesOnlyWhatItInstalled() throws Exception {
        Path fiji = tmp.resolve("Fiji.app");
        jar(fiji.resolve("jars/gson-2.10.1.jar"), "com.google.code.gson", "gson", "2.10.1");
        jar(fiji.resolve("jars/linux64/jna-5.14.0.jar"), null, null, null); // identified by its file name
        jar(fiji.resolve("plugins/Atelier_-0.0.9.jar"), null, null, null);
        Path plugin = jar(tmp.resolve("build/Atelier_-0.1.0.jar"), null, null, null);
        Path libs = tmp.resolve("build/libs");
        jar(libs.resolve("gson-2.13.1.jar"), "com.google.code.gson", "gson", "2.13.1");
        jar(libs.resolve("jna-5.17.0.jar"), "net.java.dev.jna", "jna", "5.17.0");
        jar(libs.resolve("org.apache.felix.framework-7.0.5.jar"), "org.apache.felix", "org.apache.felix.framework",
                "7.0.5");
        jar(libs.resolve("pytorch-native-cpu-2.7.1-linux-x86_64.jar"), null, null, null);
        Path features = tmp.resolve("build/repository");
        Files.createDirectories(features.resolve("core/bundles"));
        Files.writeString(features.resolve("core/core.bndrun"), "-runbundles: x");

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<String> written = new FijiInstall(fiji, new PrintStream(log, true, StandardCharsets.UTF_8))
                .install(plugin, libs, List.of(features));

        assertEquals(List.of("plugins/Atelier_-0.1.0.jar", "jars/org.apache.felix.framework-7.0.5.jar",
                "jars/pytorch-native-cpu-2.7.1-linux-x86_64.jar"), written);
        assertFalse(Files.exists(fiji.resolve("plugins/Atelier_-0.0.9.jar")), "the older plugin is removed");
        assertFalse(Files.exists(fiji.resolve("jars/gson-2.13.1.jar")), "Fiji ships gson: no second copy");
        assertFalse(Files.exists(fiji.resolve("jars/jna-5.17.0.jar")), "Fiji ships jna (in jars/linux64)");
        assertTrue(Files.isRegularFile(fiji.resolve("atelier/features/core/core.bndrun")));
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("kept Fiji's jars/gson-2.10.1.jar"), text);

        // a newer build of our own library replaces the one we installed; Fiji's stay
        Files.delete(libs.resolve("org.apache.felix.framework-7.0.5.jar"));
        jar(libs.resolve("org.apache.felix.framework-7.0.6.jar"), "org.apache.felix", "org.apache.felix.framework",
                "7.0.6");
        new FijiInstall(fiji, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .install(plugin, libs, List.of(features));
        assertFalse(Files.exists(fiji.resolve("jars/org.apache.felix.framework-7.0.5.jar")));
        assertTrue(Files.exists(fiji.resolve("jars/org.apache.felix.framework-7.0.6.jar")));
        assertTrue(Files.exists(fiji.resolve("jars/gson-2.10.1.jar")));
        assertTrue(Files.readString(fiji.resolve(FijiInstall.RECORD)).contains("jars/org.apache.felix.framework-7.0.6.jar"));
    }

    @Test
    void aFolderWithoutPluginsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FijiInstall(tmp,
                System.out).install(tmp.resolve("x.jar"), tmp, List.of()));
        assertTrue(e.getMessage().contains("scijava.app.directory"), e.getMessage());
    }

    @Test
    void fileNamesGiveArtifactIds() {
        assertEquals("pytorch-native-cpu", JarId.fromFileName("pytorch-native-cpu-2.7.1-linux-x86_64.jar").artifactId());
        assertEquals("pytorch-jni", JarId.fromFileName("pytorch-jni-2.7.1-0.35.1.jar").artifactId());
        assertEquals("commons-io", JarId.fromFileName("commons-io-2.16.1.jar").artifactId());
        assertEquals("ij", JarId.fromFileName("ij-1.54p.jar").artifactId());
        assertEquals("ij", JarId.fromFileName("ij.jar").artifactId());
    }
}
