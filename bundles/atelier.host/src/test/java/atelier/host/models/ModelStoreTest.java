package atelier.host.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    private static final String HUB = "https://hub.example.org";

    @TempDir
    Path root;

    private final TinyModel model = new TinyModel();

    private void writeAll(Path folder) throws IOException {
        Files.createDirectories(folder.resolve("unet"));
        Files.write(folder.resolve("model_index.json"), model.index);
        Files.write(folder.resolve("unet/config.json"), model.unetConfig);
        Files.write(folder.resolve(TinyModel.UNET), model.unet);
    }

    @Test
    void locatingAMissingModelNamesEachFileItsUrlAndItsPlace() throws IOException {
        ModelStore store = model.store(root, HUB);
        Files.createDirectories(root.resolve("tiny"));
        Files.write(root.resolve("tiny/model_index.json"), model.index);

        ModelStoreException e = assertThrows(ModelStoreException.class, () -> store.locate("tiny"));
        assertEquals(ModelStoreException.Kind.MISSING, e.kind());
        String m = e.getMessage();
        assertTrue(m.contains("missing 2 of 3 files"), m);
        assertTrue(m.contains(HUB + "/" + TinyModel.REPO + "/resolve/main/unet/config.json"), m);
        assertTrue(m.contains("save as " + root.resolve("tiny/unet/config.json")), m);
        assertTrue(m.contains(HUB + "/" + TinyModel.REPO + "/resolve/main/" + TinyModel.UNET), m);
        assertTrue(m.contains("save as " + root.resolve("tiny").resolve(TinyModel.UNET)), m);
        assertTrue(!m.contains("resolve/main/model_index.json"), "a present file is not asked for: " + m);
        assertTrue(m.contains("atelier models pull tiny"), m);
    }

    @Test
    void locatesCompleteModelsPathsAndFoldersInTheStore() throws IOException {
        ModelStore store = model.store(root, HUB);
        writeAll(root.resolve("tiny"));
        assertEquals(root.resolve("tiny"), store.locate("tiny"));

        Path elsewhere = Files.createDirectories(root.resolve("elsewhere/my-model"));
        assertEquals(elsewhere, store.locate(elsewhere.toString()));
        assertEquals(elsewhere, store.locate("elsewhere/my-model"), "a folder in the store by its relative name");

        ModelStoreException e = assertThrows(ModelStoreException.class, () -> store.locate("no-such-model"));
        assertEquals(ModelStoreException.Kind.UNKNOWN_MODEL, e.kind());
        assertTrue(e.getMessage().contains("known: tiny"), e.getMessage());
        assertThrows(ModelStoreException.class, () -> store.locate("../outside"));
        assertThrows(ModelStoreException.class, () -> store.locate(" "));
    }

    @Test
    void sha256OfTheMainWeightsIsCachedBySizeAndTime() throws IOException {
        ModelStore store = model.store(root, HUB);
        Path folder = root.resolve("tiny");
        writeAll(folder);
        assertEquals(FakeHub.sha256(model.unet), store.sha256(folder), "a diffusers folder: the UNet weights");
        Path unet = folder.resolve(TinyModel.UNET);
        assertEquals(FakeHub.sha256(model.unet), store.sha256(unet));
        assertTrue(Files.isRegularFile(unet.resolveSibling(DigestCache.SIDECAR)), "sidecar written");

        // a fresh store reads the sidecar: prove it by planting a recognisable digest for the same size + time
        String planted = "ab".repeat(32);
        FileTime t = Files.getLastModifiedTime(unet);
        String side = Files.readString(unet.resolveSibling(DigestCache.SIDECAR), StandardCharsets.UTF_8);
        Files.writeString(unet.resolveSibling(DigestCache.SIDECAR),
                side.replace(FakeHub.sha256(model.unet), planted), StandardCharsets.UTF_8);
        assertEquals(planted, model.store(root, HUB).sha256(unet), "digest taken from the sidecar, not recomputed");

        // a change of contents (new mtime) is noticed
        byte[] changed = model.unet.clone();
        changed[0] ^= 1;
        Files.write(unet, changed);
        Files.setLastModifiedTime(unet, FileTime.fromMillis(t.toMillis() + 5000));
        assertEquals(FakeHub.sha256(changed), model.store(root, HUB).sha256(unet));

        assertEquals("", store.sha256(root.resolve("nothing-here")));
        Path two = Files.createDirectories(root.resolve("two"));
        Files.write(two.resolve("a.safetensors"), new byte[] {1});
        Files.write(two.resolve("b.safetensors"), new byte[] {2});
        assertEquals("", store.sha256(two), "no single main weights file");
    }

    @Test
    void verifyDetectsACorruptedFile() throws IOException {
        ModelStore store = TinyModel.store(root, HUB, model.entry(FakeHub.sha256(model.unet)));
        Path folder = root.resolve("tiny");
        writeAll(folder);
        Manifest.of(folder).put("unet/config.json", new Manifest.FileRecord(FakeHub.sha256(model.unetConfig),
                model.unetConfig.length, "tiny", TinyModel.REPO, "main", null, null, "test", "now"));
        ModelEntry entry = store.registry().require("tiny");

        List<FileCheck> before = new ModelVerifier(store).verify(entry);
        assertEquals(List.of(FileCheck.Status.UNCHECKED, FileCheck.Status.OK, FileCheck.Status.OK),
                before.stream().map(FileCheck::status).toList());

        // flip one byte, same size; keep the modification time so only a real re-hash can notice
        Path unet = folder.resolve(TinyModel.UNET);
        FileTime t = Files.getLastModifiedTime(unet);
        byte[] bad = model.unet.clone();
        bad[2_000_000] ^= (byte) 0xff;
        Files.write(unet, bad);
        Files.setLastModifiedTime(unet, t);
        Files.write(folder.resolve("unet/config.json"), "{\"sample_size\": 9}\n".getBytes(StandardCharsets.UTF_8));

        List<FileCheck> after = new ModelVerifier(store).verify(entry, true);
        assertEquals(FileCheck.Status.MISMATCH, after.get(2).status());
        assertEquals(FakeHub.sha256(bad), after.get(2).actual());
        assertEquals(FakeHub.sha256(model.unet), after.get(2).expected());
        assertEquals(FileCheck.Status.MISMATCH, after.get(1).status(), "checked against the manifest");

        // the command reports it with exit code 2; a missing file gives 1
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        int code = new ModelCommands(store).verify("tiny", new java.io.PrintStream(buf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(ModelCommands.BAD_INPUT, code, text);
        assertTrue(text.contains("MISMATCH") && text.contains(TinyModel.UNET), text);
        assertNotEquals(-1, text.indexOf(FakeHub.sha256(bad)), text);

        Files.delete(unet);
        Files.write(folder.resolve("unet/config.json"), model.unetConfig);
        buf.reset();
        code = new ModelCommands(store).verify("tiny", new java.io.PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(ModelCommands.FAILED, code, buf.toString(StandardCharsets.UTF_8));
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("MISSING"));
    }

    @Test
    void stateTellsPresentPartialAndMissing() throws IOException {
        ModelStore store = model.store(root, HUB);
        ModelEntry e = store.registry().require("tiny");
        assertEquals(ModelState.Presence.MISSING, store.state(e).presence());
        Files.createDirectories(root.resolve("tiny"));
        Files.write(root.resolve("tiny/model_index.json"), model.index);
        assertEquals(ModelState.Presence.PARTIAL, store.state(e).presence());
        writeAll(root.resolve("tiny"));
        ModelState st = store.state(e);
        assertEquals(ModelState.Presence.PRESENT, st.presence());
        assertEquals(model.index.length + model.unetConfig.length + model.unet.length, st.bytes());
    }
}
