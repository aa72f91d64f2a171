package atelier.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

import atelier.host.AtelierHost;
import atelier.host.BundleRefusal;
import atelier.host.HostConfig;
import atelier.host.HostException;

/** Bundles that embed DJL or libtorch are refused, however they arrive, with a message naming them. */
class GuardTest {
    @TempDir
    static Path home;
    @TempDir
    static Path work;
    static AtelierHost host;
    static final List<BundleRefusal> heard = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        host = AtelierHost.start(HostConfig.builder().home(home).featureRepository(Itest.featureRepository())
                .initialFeatures("core").pollMillis(200).onRefusal(heard::add).build());
    }

    @AfterAll
    static void stop() {
        if (host != null) host.close();
    }

    static Path embeddingDjl(String bsn) throws Exception {
        return Itest.bundle(work.resolve(bsn + ".jar"), bsn, "1.0.0",
                Map.of("ai/djl/engine/Engine.class", new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE}));
    }

    @Test
    void theApiRefusesABundleWithDjlClasses() throws Exception {
        Path jar = embeddingDjl("test.embeds.djl.api");
        HostException e = assertThrows(HostException.class, () -> host.install(jar));
        assertTrue(e.getMessage().contains(jar.toString()) && e.getMessage().contains("ai/djl/engine/Engine.class"), e.getMessage());
        assertTrue(host.bundle("test.embeds.djl.api").isEmpty());
    }

    @Test
    void theApiRefusesLibtorchInABundleClassPathJar() throws Exception {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        Path innerJar = Itest.bundle(work.resolve("inner.jar"), "inner", "1.0.0", Map.of("pytorch/cpu/linux-x86_64/libtorch_cpu.so", new byte[16]));
        inner.write(Files.readAllBytes(innerJar));
        Path jar = Itest.bundle(work.resolve("nested.jar"), "test.embeds.torch", "1.0.0",
                Map.of("Bundle-ClassPath", ".,lib/engine.jar"), Map.of("lib/engine.jar", inner.toByteArray()));
        HostException e = assertThrows(HostException.class, () -> host.install(jar));
        assertTrue(e.getMessage().contains("libtorch_cpu.so") && e.getMessage().contains("lib/engine.jar"), e.getMessage());
    }

    @Test
    void theFrameworkRefusesADirectInstall() throws Exception {
        Path jar = embeddingDjl("test.embeds.djl.direct");
        Bundle bundle = host.context().installBundle(jar.toUri().toString());
        // never resolves (resolver hook) and is uninstalled right after install: start fails either way
        Exception e = assertThrows(Exception.class, bundle::start, "a refused bundle must never start");
        assertTrue(e instanceof BundleException || e instanceof IllegalStateException, e.toString());
        Itest.await("refused bundle uninstalled", Duration.ofSeconds(10), () -> bundle.getState() == Bundle.UNINSTALLED, host::bundles);
        BundleRefusal refusal = refusalOf("test.embeds.djl.direct");
        assertTrue(refusal.message().contains("test.embeds.djl.direct") && refusal.message().contains("ai/djl/engine/Engine.class"),
                refusal.message());
        assertTrue(heard.contains(refusal), "the host's refusal listener was told: " + heard);
    }

    @Test
    void theWatchedFolderRefusesItUntilTheFileIsFixedOrRemoved() throws Exception {
        Path jar = embeddingDjl("test.embeds.djl.folder");
        Path dropped = host.bundlesDirectory().resolve("embeds.jar");
        Itest.copyAtomically(jar, dropped);
        Itest.await("refusal of the dropped bundle", Duration.ofSeconds(20),
                () -> host.refusals().stream().anyMatch(r -> r.symbolicName().equals("test.embeds.djl.folder")), host::refusals);
        assertTrue(refusalOf("test.embeds.djl.folder").location().contains("embeds.jar"));
        Thread.sleep(2000);   // ten scans of the folder: never resolved, never started, not retried in a loop
        assertEquals("INSTALLED", host.bundle("test.embeds.djl.folder").orElseThrow().state(), "stays unresolved");
        long refusals = host.refusals().stream().filter(r -> r.symbolicName().equals("test.embeds.djl.folder")).count();
        assertEquals(1, refusals, host.refusals().toString());

        // the author fixes the bundle and drops it again under the same name: now it runs
        Itest.copyAtomically(Itest.exampleJar(), dropped);
        HostTest.awaitBundleOf(host, "atelier.example.noiseblend", "ACTIVE");
        assertTrue(host.bundle("test.embeds.djl.folder").isEmpty(), host.bundles().toString());

        Files.delete(dropped);
        Itest.await("bundle gone with its file", Duration.ofSeconds(20), () -> host.bundle("atelier.example.noiseblend").isEmpty(),
                host::bundles);
    }

    static BundleRefusal refusalOf(String bsn) {
        List<BundleRefusal> found = host.refusals().stream().filter(r -> r.symbolicName().equals(bsn)).toList();
        assertEquals(1, found.size(), host.refusals().toString());
        return found.get(0);
    }
}
