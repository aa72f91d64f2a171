package atelier.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

import atelier.host.AtelierHost;
import atelier.host.BundleInfo;
import atelier.host.HostConfig;
import atelier.host.features.FeatureException;
import atelier.host.framework.SystemPackages;

/** A host with the default features (core, latent-stats) from the built repository. */
class HostTest {
    @TempDir
    static Path home;
    static AtelierHost host;

    @BeforeAll
    static void start() throws Exception {
        host = AtelierHost.start(HostConfig.builder().home(home).featureRepository(Itest.featureRepository()).build());
    }

    @AfterAll
    static void stop() {
        if (host != null) host.close();
    }

    @Test
    void defaultFeaturesAreInstalledAndRecorded() throws Exception {
        assertEquals(List.of(), host.startProblems());
        assertEquals(List.of("core", "latent-stats"), host.features().installed());
        assertTrue(host.features().available().containsAll(List.of("all", "core", "latent-stats")), host.features().available().toString());
        List<String> lines = Files.readAllLines(home.resolve("features.installed"));
        assertTrue(lines.containsAll(List.of("core", "latent-stats")), lines.toString());
    }

    @Test
    void scrIsActive() {
        BundleInfo scr = host.bundle("org.apache.felix.scr").orElseThrow();
        assertEquals("ACTIVE", scr.state());
        assertEquals("2.2.12", scr.version());
        assertNotNull(host.context().getServiceReference("org.osgi.service.component.runtime.ServiceComponentRuntime"),
                "SCR registered no ServiceComponentRuntime");
        assertEquals("ACTIVE", host.bundle("org.apache.felix.fileinstall").orElseThrow().state());
    }

    @Test
    void everyFeatureBundleResolvedAndStarted() {
        for (String bsn : List.of("atelier.runtime", "atelier.pipeline", "atelier.strategy.latentstats",
                "org.osgi.service.component", "org.osgi.util.promise", "org.osgi.util.function")) {
            assertEquals("ACTIVE", host.bundle(bsn).map(BundleInfo::state).orElse("missing"), bsn + " in " + host.bundles());
        }
        assertTrue(host.bundle("atelier.api").isEmpty(), "atelier.api must come from the host class path, not a bundle");
    }

    @Test
    void systemBundleExportsExactlyTheHostProfile() throws Exception {
        Set<String> exported = new TreeSet<>();
        for (BundleCapability c : host.context().getBundle(0).adapt(BundleRevision.class).getDeclaredCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
            exported.add(c.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE) + ";version=" + c.getAttributes().get("version"));
        }
        Set<String> generated = new TreeSet<>();
        SystemPackages.ofHostClassPath().forEach(p -> generated.add(p.name() + ";version=" + p.version()));
        assertTrue(exported.containsAll(generated), "system bundle lacks some host packages");
        assertTrue(generated.stream().anyMatch(p -> p.startsWith("ai.djl.pytorch.engine;version=0.35.1")), generated.toString());
        assertTrue(generated.contains("atelier.api;version=1.1.0"), generated.toString());

        // the committed features/host-profile.bnd (used by every feature's resolve) must say the same
        String profile = Files.readString(Path.of(System.getProperty("atelier.itest.hostProfile")));
        Set<String> inProfile = new TreeSet<>();
        for (String line : profile.split("\n")) {
            String t = line.strip();
            if (t.startsWith("#") || t.startsWith("-runsystempackages") || t.isEmpty()) continue;
            inProfile.add(t.replace(",\\", ""));
        }
        assertEquals(generated, inProfile, "features/host-profile.bnd is stale; regenerate it with atelier.host.framework.HostProfile");
    }

    @Test
    void noBundleExportsAnInternalPackage() {
        List<String> offenders = new ArrayList<>();
        for (Bundle b : host.context().getBundles()) {
            if (b.getBundleId() == 0) continue;   // the system bundle re-exports DJL as DJL ships it
            BundleRevision rev = b.adapt(BundleRevision.class);
            if (rev == null) continue;
            for (BundleCapability c : rev.getDeclaredCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
                String pkg = (String) c.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
                if (List.of(pkg.split("\\.")).contains("internal")) offenders.add(b.getSymbolicName() + ": " + pkg);
            }
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    void featureUninstallKeepsSharedBundlesAndReinstallRestoresThem() throws Exception {
        host.features().uninstall("latent-stats");
        assertTrue(host.bundle("atelier.strategy.latentstats").isEmpty(), host.bundles().toString());
        assertEquals("ACTIVE", host.bundle("atelier.runtime").orElseThrow().state(), "core still needs the runtime");
        assertFalse(Files.readAllLines(home.resolve("features.installed")).contains("latent-stats"));
        host.features().install("latent-stats");
        assertEquals("ACTIVE", host.bundle("atelier.strategy.latentstats").orElseThrow().state());
        assertEquals(List.of("core", "latent-stats"), host.features().installed());
    }

    @Test
    void unknownFeatureIsAClearError() {
        FeatureException e = org.junit.jupiter.api.Assertions.assertThrows(FeatureException.class,
                () -> host.features().install("no-such-feature"));
        assertTrue(e.getMessage().contains("no-such-feature") && e.getMessage().contains("available"), e.getMessage());
    }

    static void awaitBundleOf(AtelierHost host, String bsn, String state) {
        Itest.await(bsn + " " + state, Duration.ofSeconds(20),
                () -> host.bundle(bsn).map(b -> b.state().equals(state)).orElse(false), host::bundles);
    }
}
