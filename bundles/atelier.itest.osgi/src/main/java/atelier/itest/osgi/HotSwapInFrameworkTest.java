package atelier.itest.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

import atelier.api.spi.InjectionStrategy;

/**
 * The example third-party strategy bundle installed, updated to a rebuilt version and uninstalled from inside the
 * running framework; its {@code noise-blend} service follows each step.
 */
class HotSwapInFrameworkTest {
    /** Framework (or system) property with the path of the example strategy jar. */
    static final String EXAMPLE_JAR = "atelier.itest.exampleJar";
    static final String EXAMPLE = "atelier.example.noiseblend";
    static final long WAIT_MS = 20_000;

    @InjectBundleContext
    BundleContext context;

    @InjectService(filter = "(" + InjectionStrategy.ID_PROPERTY + "=noise-blend)", cardinality = 0)
    ServiceAware<InjectionStrategy> noiseBlend;

    @Test
    void installUpdateUninstallWhileTheFrameworkRuns() throws Exception {
        Path jar = exampleJar();
        assertTrue(noiseBlend.isEmpty(), "noise-blend present before the install: " + noiseBlend.getServiceReferences());
        assertTrue(Arrays.stream(context.getBundles()).noneMatch(b -> EXAMPLE.equals(b.getSymbolicName())));

        Bundle bundle;
        try (InputStream in = Files.newInputStream(jar)) {
            bundle = context.installBundle("inframework:" + EXAMPLE, in);
        }
        try {
            bundle.start();
            InjectionStrategy first = noiseBlend.waitForService(WAIT_MS);
            assertNotNull(first, "noise-blend service did not appear after the install");
            ServiceReference<InjectionStrategy> ref = noiseBlend.getServiceReference();
            assertEquals(bundle.getBundleId(), ref.getBundle().getBundleId());
            assertEquals(EXAMPLE, ref.getBundle().getSymbolicName());
            assertEquals("noise-blend", first.spec().id());
            Version original = bundle.getVersion();

            Version rebuilt = new Version(original.getMajor(), original.getMinor(), original.getMicro() + 1, "inframework");
            bundle.update(new ByteArrayInputStream(withVersion(jar, rebuilt.toString())));
            assertEquals(rebuilt, bundle.getVersion());
            assertEquals(Bundle.ACTIVE, bundle.getState());
            InjectionStrategy second = awaitServiceOfVersion(rebuilt);
            assertEquals(bundle.getBundleId(), noiseBlend.getServiceReference().getBundle().getBundleId());
            assertNotSame(first.getClass(), second.getClass(), "the update did not load the classes again");
            assertEquals(1, noiseBlend.size(), "one noise-blend service after the update");
        } finally {
            if (bundle.getState() != Bundle.UNINSTALLED) bundle.uninstall();
            refresh(bundle);
        }
        assertEquals(Bundle.UNINSTALLED, bundle.getState());
        assertNull(context.getBundle(bundle.getBundleId()));
        long end = System.currentTimeMillis() + WAIT_MS;
        while (!noiseBlend.isEmpty() && System.currentTimeMillis() < end) Thread.sleep(50);
        assertTrue(noiseBlend.isEmpty(), "noise-blend still registered after the uninstall");
        assertTrue(Arrays.stream(context.getBundles()).noneMatch(b -> EXAMPLE.equals(b.getSymbolicName())));
    }

    private InjectionStrategy awaitServiceOfVersion(Version version) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < end) {
            ServiceReference<InjectionStrategy> ref = noiseBlend.getServiceReference();
            if (ref != null && ref.getBundle() != null && version.equals(ref.getBundle().getVersion())) {
                InjectionStrategy s = noiseBlend.getService();
                if (s != null) return s;
            }
            Thread.sleep(50);
        }
        fail("no noise-blend service from version " + version + "; now " + noiseBlend.getServiceReferences());
        return null;
    }

    private void refresh(Bundle bundle) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(java.util.List.of(bundle), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) done.countDown();
        });
        assertTrue(done.await(WAIT_MS, TimeUnit.MILLISECONDS), "refresh did not finish");
    }

    private Path exampleJar() {
        String value = context.getProperty(EXAMPLE_JAR);
        assertNotNull(value, "framework property " + EXAMPLE_JAR + " not set (the outer test passes the example jar)");
        Path jar = Path.of(value);
        assertTrue(Files.isRegularFile(jar), EXAMPLE_JAR + " = " + jar + " is not a file");
        return jar;
    }

    /** The jar's bytes with another Bundle-Version: a "rebuilt" bundle. */
    static byte[] withVersion(Path jar, String version) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().putValue("Bundle-Version", version);
            try (JarOutputStream out = new JarOutputStream(bytes, mf)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null;) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }
}
