package atelier.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;

import atelier.api.spi.InjectionStrategy;
import atelier.host.AtelierHost;
import atelier.host.BundleInfo;
import atelier.host.HostConfig;

/**
 * A third party's strategy bundle (examples/strategy-example) installed, updated to a rebuilt version and uninstalled
 * while the host runs: through the host API and through the watched bundles folder.
 */
class HotSwapTest {
    static final String EXAMPLE = "atelier.example.noiseblend";

    @TempDir
    static Path home;
    @TempDir
    static Path work;
    static AtelierHost host;

    @BeforeAll
    static void start() throws Exception {
        host = AtelierHost.start(HostConfig.builder().home(home).featureRepository(Itest.featureRepository())
                .initialFeatures("core").pollMillis(200).build());
        assertEquals(List.of(), host.startProblems());
    }

    @AfterAll
    static void stop() {
        if (host != null) host.close();
    }

    @Test
    void installUpdateUninstallThroughTheApi() throws Exception {
        BundleInfo installed = host.install(Itest.exampleJar());
        assertEquals(EXAMPLE, installed.symbolicName());
        assertEquals("ACTIVE", installed.state());

        Path rebuilt = Itest.withVersion(Itest.exampleJar(), work.resolve("noiseblend-rebuilt.jar"), "0.1.1.rebuilt");
        BundleInfo updated = host.update(installed.id(), rebuilt);
        assertEquals(installed.id(), updated.id());
        assertEquals("0.1.1.rebuilt", updated.version());
        assertEquals("ACTIVE", updated.state());

        host.uninstall(installed.id());
        assertTrue(host.bundle(EXAMPLE).isEmpty(), host.bundles().toString());
    }

    @Test
    void installUpdateUninstallThroughTheWatchedFolder() throws Exception {
        Path dropped = host.bundlesDirectory().resolve("noiseblend.jar");
        Itest.copyAtomically(Itest.exampleJar(), dropped);
        awaitVersion(versionOf(Itest.exampleJar()));

        Path rebuilt = Itest.withVersion(Itest.exampleJar(), work.resolve("noiseblend-folder.jar"), "0.1.2.rebuilt");
        Itest.copyAtomically(rebuilt, dropped);
        awaitVersion("0.1.2.rebuilt");
        assertEquals(1, host.bundles().stream().filter(b -> b.symbolicName().equals(EXAMPLE)).count(), "updated, not added");

        Files.delete(dropped);
        Itest.await(EXAMPLE + " uninstalled", Duration.ofSeconds(20), () -> host.bundle(EXAMPLE).isEmpty(), host::bundles);
    }

    @Test
    void strategyServiceComesAndGoesWithItsBundle() throws Exception {
        BundleInfo installed = host.install(Itest.exampleJar());
        Itest.await("an InjectionStrategy from " + EXAMPLE, Duration.ofSeconds(20), () -> strategyFrom(installed.id()) != null,
                host::bundles);
        Object id = strategyFrom(installed.id()).getProperty(InjectionStrategy.ID_PROPERTY);
        assertNotNull(id, "strategy service without " + InjectionStrategy.ID_PROPERTY);
        assertTrue(!id.toString().isBlank());
        host.uninstall(installed.id());
        assertEquals(null, strategyFrom(installed.id()));
    }

    static ServiceReference<?> strategyFrom(long bundleId) {
        try {
            ServiceReference<?>[] refs = host.context().getAllServiceReferences(InjectionStrategy.class.getName(), null);
            if (refs == null) return null;
            return Arrays.stream(refs).filter(r -> r.getBundle() != null && r.getBundle().getBundleId() == bundleId)
                    .findFirst().orElse(null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitVersion(String version) {
        Itest.await(EXAMPLE + " " + version + " ACTIVE", Duration.ofSeconds(20),
                () -> host.bundle(EXAMPLE).map(b -> b.version().equals(version) && b.state().equals("ACTIVE")).orElse(false),
                host::bundles);
    }

    static String versionOf(Path jar) throws Exception {
        try (var in = new java.util.jar.JarInputStream(Files.newInputStream(jar))) {
            return org.osgi.framework.Version.parseVersion(in.getManifest().getMainAttributes().getValue("Bundle-Version")).toString();
        }
    }
}
