package atelier.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import atelier.api.StyleTransferService;
import atelier.host.AtelierHost;
import atelier.host.HostConfig;
import atelier.host.HostException;
import atelier.host.features.FeatureException;
import atelier.host.features.FeatureInstaller;

/** A host with no features: tampered feature folders are refused before anything is installed. */
class FeatureVerificationTest {
    @TempDir
    static Path home;
    @TempDir
    static Path work;
    static AtelierHost host;

    @BeforeAll
    static void start() throws Exception {
        host = AtelierHost.start(HostConfig.builder().home(home).featureRepository(Itest.featureRepository())
                .initialFeatures(List.of()).serviceTimeout(Duration.ofSeconds(1)).build());
    }

    @AfterAll
    static void stop() {
        if (host != null) host.close();
    }

    @Test
    void aJarWhoseBytesChangedIsRefusedAndNothingIsInstalled() throws Exception {
        Path repo = copyOfRepository("flipped");
        Path jar = runtimeJar(repo);
        String expected = sha256(jar);
        byte[] bytes = Files.readAllBytes(jar);
        bytes[bytes.length / 2] ^= 0x5A;   // same size, different content
        Files.write(jar, bytes);
        String actual = sha256(jar);

        FeatureException e = assertThrows(FeatureException.class, () -> installer(repo).install("core"));
        String m = e.getMessage();
        assertTrue(m.contains(jar.getFileName().toString()) && m.contains(expected) && m.contains(actual)
                && m.contains("nothing was installed"), m);
        assertEquals(1, host.bundles().size(), "only the system bundle: " + host.bundles());
    }

    @Test
    void anIndexWithAnotherHashIsRefused() throws Exception {
        Path repo = copyOfRepository("index");
        Path jar = runtimeJar(repo);
        String actual = sha256(jar);
        Path index = repo.resolve("core/index.xml");
        String xml = Files.readString(index);
        String forged = "0".repeat(64);
        String changed = xml.replaceAll("(?i)" + actual, forged);
        assertTrue(!changed.equals(xml), "the index should list " + actual);
        Files.writeString(index, changed);

        FeatureException e = assertThrows(FeatureException.class, () -> installer(repo).install("core"));
        assertTrue(e.getMessage().contains(forged) && e.getMessage().contains(actual) && e.getMessage().contains("SHA-256"), e.getMessage());
        assertEquals(1, host.bundles().size(), host.bundles().toString());
    }

    @Test
    void aJarOfTheWrongSizeIsRefused() throws Exception {
        Path repo = copyOfRepository("size");
        Path jar = runtimeJar(repo);
        Files.write(jar, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        FeatureException e = assertThrows(FeatureException.class, () -> installer(repo).install("core"));
        assertTrue(e.getMessage().contains("bytes but the index says"), e.getMessage());
    }

    @Test
    void aHostStartingWithATamperedFeatureReportsItAndKeepsRunning() throws Exception {
        Path repo = copyOfRepository("start");
        Path jar = runtimeJar(repo);
        byte[] bytes = Files.readAllBytes(jar);
        bytes[10] ^= 1;
        Files.write(jar, bytes);
        try (AtelierHost other = AtelierHost.start(HostConfig.builder().home(work.resolve("start-home")).featureRepository(repo)
                .initialFeatures("core").build())) {
            assertEquals(1, other.startProblems().size(), other.startProblems().toString());
            assertTrue(other.startProblems().get(0).contains("SHA-256"), other.startProblems().get(0));
            assertEquals(List.of(), other.features().installed());
        }
    }

    @Test
    void aMissingRepositoryNamesTheSettingToFix() {
        FeatureInstaller installer = new FeatureInstaller(host.context(), work.resolve("nowhere"), work.resolve("n.installed"));
        assertEquals(List.of(), installer.available());
        FeatureException e = assertThrows(FeatureException.class, () -> installer.install("core"));
        assertTrue(e.getMessage().contains("nowhere") && e.getMessage().contains("atelier.features"), e.getMessage());
    }

    @Test
    void serviceWithoutCoreFailsClearly() {
        HostException e = assertThrows(HostException.class, () -> host.service());
        assertTrue(e.getMessage().contains("StyleTransferService") && e.getMessage().contains("'core' feature"), e.getMessage());
    }

    @Test
    void serviceAppearsOnceCoreIsInstalled() throws Exception {
        Path repo = Itest.featureRepository();
        try (AtelierHost other = AtelierHost.start(HostConfig.builder().home(work.resolve("service-home")).featureRepository(repo)
                .initialFeatures("core", "latent-stats").build())) {
            StyleTransferService service = other.service();
            assertTrue(service.strategies().stream().anyMatch(s -> "atelier.strategy.latentstats".equals(s.bundle())),
                    service.strategies().toString());
        }
    }

    private static FeatureInstaller installer(Path repo) {
        return new FeatureInstaller(host.context(), repo, work.resolve(repo.getFileName() + ".installed"));
    }

    private static Path copyOfRepository(String name) throws IOException {
        Path target = work.resolve(name);
        Path source = Itest.featureRepository();
        try (Stream<Path> all = Files.walk(source)) {
            for (Path p : all.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
        return target;
    }

    private static Path runtimeJar(Path repo) throws IOException {
        try (Stream<Path> jars = Files.list(repo.resolve("core/bundles"))) {
            return jars.filter(p -> p.getFileName().toString().startsWith("atelier.runtime")).findFirst().orElseThrow();
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
