package atelier.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import atelier.host.AtelierHost;
import atelier.host.HostConfig;

/** The framework storage starts empty on every start; the installed-features record carries the user's choices over. */
class RestartTest {
    @TempDir
    Path home;

    private AtelierHost start() throws Exception {
        return AtelierHost.start(HostConfig.builder().home(home).featureRepository(Itest.featureRepository()).build());
    }

    @Test
    void installedAndUninstalledFeaturesSurviveARestart() throws Exception {
        try (AtelierHost host = start()) {
            assertEquals(List.of("core", "latent-stats"), host.features().installed());
            host.features().uninstall("latent-stats");
        }
        try (AtelierHost host = start()) {
            assertEquals(List.of("core"), host.features().installed(), "an uninstalled initial feature stays uninstalled");
            assertTrue(host.bundle("atelier.strategy.latentstats").isEmpty(), host.bundles().toString());
            assertEquals("ACTIVE", host.bundle("atelier.runtime").orElseThrow().state());
            host.features().install("all");
        }
        try (AtelierHost host = start()) {
            assertEquals(List.of("core", "all"), host.features().installed());
            assertEquals("ACTIVE", host.bundle("atelier.strategy.latentstats").orElseThrow().state());
            assertEquals(1, host.bundles().stream().filter(b -> b.symbolicName().equals("atelier.runtime")).count(),
                    "features share bundles: " + host.bundles());
        }
    }

    @Test
    void featuresThatCannotBeInstalledOnStartStayRecorded() throws Exception {
        try (AtelierHost host = start()) {
            assertEquals(List.of("core", "latent-stats"), host.features().installed());
        }
        Path partial = home.resolve("core-only");   // latent-stats missing, core there: the record is rewritten
        copyTree(Itest.featureRepository().resolve("core"), partial.resolve("core"));
        try (AtelierHost host = AtelierHost.start(HostConfig.builder().home(home).featureRepository(partial).build())) {
            assertEquals(1, host.startProblems().size(), host.startProblems().toString());
            assertTrue(host.startProblems().get(0).contains("latent-stats"), host.startProblems().get(0));
            assertEquals(List.of("core"), host.features().installed());
        }
        List<String> record = java.nio.file.Files.readAllLines(home.resolve("features.installed"));
        assertTrue(record.containsAll(List.of("core", "latent-stats")), "a feature missing for one start must stay recorded: " + record);
        try (AtelierHost host = start()) {
            assertEquals(List.of("core", "latent-stats"), host.features().installed());
        }
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) java.nio.file.Files.createDirectories(target);
                else java.nio.file.Files.copy(p, target);
            }
        }
    }
}
