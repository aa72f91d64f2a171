package atelier.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

import atelier.host.AtelierHost;
import atelier.host.HostConfig;
import atelier.host.models.ModelStore;

/**
 * JUnit 5 inside the framework: a host with the default features gets the JUnit Platform and OSGi Testing Support
 * bundles and the test bundle {@code atelier.itest.osgi}; the bundle's runner starts the JUnit Platform launcher
 * inside the framework and this test checks that every inner test ran and passed.
 */
class InFrameworkTest {
    static final String TEST_BUNDLE = "atelier.itest.osgi";
    static final String RUNNER = "atelier.itest.osgi.launch.InFrameworkRunner";
    /** Every test the bundle holds: one that is not discovered or not run fails this test too. */
    static final Set<String> EXPECTED = Set.of(
            "ServicesInFrameworkTest#testsRunInsideTheFramework",
            "ServicesInFrameworkTest#styleTransferServiceIsRegisteredAndListsLatentStats",
            "ServicesInFrameworkTest#latentStatsStrategyCarriesItsIdAndBundle",
            "ServicesInFrameworkTest#everyStrategyServiceHasAnIdAndAnActiveBundle",
            "ServicesInFrameworkTest#noBundleExportsAnInternalPackage",
            "HotSwapInFrameworkTest#installUpdateUninstallWhileTheFrameworkRuns",
            "TransferInFrameworkTest#latentStatsTransfersASmallImage");

    @TempDir
    Path home;

    @Test
    void junitTestsPassInsideTheRunningHost() throws Exception {
        try (AtelierHost host = AtelierHost.start(HostConfig.builder().home(home).featureRepository(Itest.featureRepository())
                .modelLocator(new ModelStore(models()))
                .frameworkProperty("atelier.itest.exampleJar", Itest.exampleJar().toString()).build())) {
            assertEquals(List.of(), host.startProblems());

            List<Bundle> installed = new ArrayList<>();
            for (Path jar : junitBundles()) installed.add(install(host, jar));
            Bundle tests = install(host, testBundle());
            installed.add(tests);
            for (Bundle b : installed) {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) b.start();
            }
            assertEquals(Bundle.ACTIVE, tests.getState(), "test bundle not active");

            @SuppressWarnings("unchecked")
            Supplier<List<String>> runner = (Supplier<List<String>>) tests.loadClass(RUNNER).getConstructor().newInstance();
            List<String> results = runner.get();

            Set<String> passed = new TreeSet<>();
            List<String> problems = new ArrayList<>();
            for (String line : results) {
                System.out.println("[in framework] " + line.lines().findFirst().orElse(line));
                if (line.startsWith("SUCCESSFUL ")) passed.add(line.substring("SUCCESSFUL ".length()));
                else problems.add(line);
            }
            assertEquals(List.of(), problems, "inner tests that did not pass");
            assertEquals(new TreeSet<>(EXPECTED), passed, "inner tests that passed");
        }
    }

    private static Bundle install(AtelierHost host, Path jar) throws IOException, org.osgi.framework.BundleException {
        try (InputStream in = Files.newInputStream(jar)) {
            return host.context().installBundle(jar.toUri().toString(), in);
        }
    }

    /** ATELIER_MODELS when set (as CI sets it), else the shared folder's models. */
    private static Path models() {
        String env = System.getenv(ModelStore.ENV);
        Path models = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("atelier.shared"), "models");
        assertTrue(Files.isDirectory(models.resolve("taesd")), "test models missing: " + models);
        return models;
    }

    private static List<Path> junitBundles() throws IOException {
        String dir = System.getProperty("atelier.itest.junitBundles");
        if (dir == null || !Files.isDirectory(Path.of(dir))) fail("JUnit bundles folder missing (" + dir + "); run mvn verify");
        try (Stream<Path> jars = Files.list(Path.of(dir))) {
            List<Path> list = jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
            assertEquals(10, list.size(), "JUnit Platform, Jupiter, opentest4j, apiguardian, org.osgi.test bundles: " + list);
            return list;
        }
    }

    private static Path testBundle() {
        Path jar = Path.of(System.getProperty("atelier.itest.bundles", "")).resolve(TEST_BUNDLE + ".jar");
        if (!Files.isRegularFile(jar)) fail("test bundle missing: " + jar + " (run mvn verify)");
        return jar;
    }
}
