package atelier.host.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built-in registry's TAESD entries against the real autoencoder files in the shared models folder. */
class SharedTaesdTest {
    private static final List<String> TAESD_FAMILY = List.of("taesd", "taesdxl", "taesd3", "taef1", "taef2");

    private Path models;
    private ModelStore store;

    @BeforeEach
    void sharedStore() {
        String shared = System.getProperty("atelier.shared");
        assumeTrue(shared != null && Files.isDirectory(Path.of(shared, "models", "taesd")),
                "the shared folder (system property atelier.shared) holds models/taesd");
        models = Path.of(shared, "models").toAbsolutePath().normalize();
        // no sidecars: the shared folder is not ours to write
        store = new ModelStore(models, ModelRegistry.builtIn(), new HubConfig(HubConfig.DEFAULT_BASE, null),
                new DigestCache(false));
    }

    @Test
    void everyTaesdEntryVerifiesAgainstThePublishedHashes() {
        ModelVerifier verifier = new ModelVerifier(store);
        for (String name : TAESD_FAMILY) {
            ModelEntry e = store.registry().find(name).orElseThrow();
            List<FileCheck> checks = verifier.verify(e, true);
            assertTrue(checks.stream().allMatch(c -> c.status() == FileCheck.Status.OK
                    && c.source().equals("registry")), name + ": " + checks);
        }
    }

    @Test
    void taesdLocatesToTheSharedFolderAndOtherModelsByName() throws IOException {
        for (String name : TAESD_FAMILY) {
            assertEquals(models.resolve("taesd"), store.locate(name));
        }
        assertEquals(models.resolve("tiny-sd"), store.locate("tiny-sd"));
        assertEquals(ModelStoreException.Kind.MISSING,
                org.junit.jupiter.api.Assertions.assertThrows(ModelStoreException.class, () -> store.locate("sd15")).kind());
        assertTrue(store.sha256(models.resolve("taesd/taesd_decoder.safetensors"))
                .equals("d903e7cc3ae58f21d985a3498a841fa8b230edccff7ac5d27607b0c557945c6f"));
        assertEquals("", store.sha256(models.resolve("taesd")), "nine weights files: no single main file");
    }

    @Test
    void commandsListAndVerifyTheSharedStore() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertEquals(ModelCommands.OK, new ModelCommands(store).list(out));
        String list = buf.toString(StandardCharsets.UTF_8);
        for (String name : TAESD_FAMILY) {
            assertTrue(list.lines().anyMatch(l -> l.startsWith(name + " ") && l.contains(" present ")), list);
        }
        assertTrue(list.lines().anyMatch(l -> l.startsWith("sd15 ") && l.contains(" missing ")), list);
        assertTrue(list.lines().anyMatch(l -> l.startsWith("sdxl-base ") && l.contains("does not support SDXL")), list);
        assertTrue(list.contains("tiny-sd"), "unregistered folders are listed: " + list);

        buf.reset();
        assertEquals(ModelCommands.OK, new ModelCommands(store).verify(null, out), buf.toString(StandardCharsets.UTF_8));
        String verify = buf.toString(StandardCharsets.UTF_8);
        assertEquals(9, verify.lines().filter(l -> l.strip().startsWith("OK ")).count(), verify);
    }
}
