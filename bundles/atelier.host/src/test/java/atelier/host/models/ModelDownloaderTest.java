package atelier.host.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import atelier.api.CancellationToken;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModelDownloaderTest {
    private static final ModelDownloader.Options NO_RETRY = new ModelDownloader.Options(
            Duration.ofSeconds(5), Duration.ofSeconds(10), 0, Duration.ZERO);

    @TempDir
    Path root;

    private final TinyModel model = new TinyModel();
    private FakeHub hub;

    @BeforeEach
    void startHub() throws IOException {
        hub = model.host(new FakeHub(TinyModel.REPO));
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    /** Records progress calls. */
    private static final class Recorder implements ProgressSink {
        final List<long[]> calls = new ArrayList<>();
        final List<String> messages = new ArrayList<>();

        @Override
        public synchronized void progress(String file, long done, long total, double bps) {
            if (file.equals(TinyModel.UNET)) {
                calls.add(new long[] {done, total});
            }
        }

        @Override
        public synchronized void message(String line) {
            messages.add(line);
        }
    }

    @Test
    void pullsFakeModelWithNestedFilesAndReportsProgress() throws IOException {
        ModelStore store = model.store(root, hub.base());
        Recorder rec = new Recorder();
        ModelDownloader.PullResult r = new ModelDownloader(store, NO_RETRY)
                .pull("tiny", null, rec, new CancellationToken());

        Path folder = root.resolve("tiny");
        assertEquals(folder, r.folder());
        assertArrayEquals(model.index, Files.readAllBytes(folder.resolve("model_index.json")));
        assertArrayEquals(model.unetConfig, Files.readAllBytes(folder.resolve("unet/config.json")));
        assertArrayEquals(model.unet, Files.readAllBytes(folder.resolve(TinyModel.UNET)));
        assertTrue(r.files().stream().allMatch(f -> f.action() == ModelDownloader.Action.DOWNLOADED), r.toString());
        try (Stream<Path> s = Files.walk(folder)) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".part")), "no part file may remain");
        }
        // progress: several calls, monotonic, the last one complete with the right total
        assertTrue(rec.calls.size() >= 2, "progress calls: " + rec.calls.size());
        long[] last = rec.calls.get(rec.calls.size() - 1);
        assertEquals(model.unet.length, last[0]);
        assertEquals(model.unet.length, last[1]);
        for (int i = 1; i < rec.calls.size(); i++) {
            assertTrue(rec.calls.get(i)[0] >= rec.calls.get(i - 1)[0]);
        }
        // the manifest records the hub's digest and commit
        Manifest.FileRecord unetRec = store.manifest(r.entry()).get(TinyModel.UNET).orElseThrow();
        assertEquals(FakeHub.sha256(model.unet), unetRec.sha256());
        assertEquals(FakeHub.COMMIT, unetRec.commit());
        assertEquals(null, unetRec.variant());
        assertEquals(FakeHub.sha256(model.index),
                store.manifest(r.entry()).get("model_index.json").orElseThrow().sha256());

        // a second pull finds everything in place and asks the hub nothing
        hub.clearSeen();
        ModelDownloader.PullResult again = new ModelDownloader(store, NO_RETRY)
                .pull("tiny", null, ProgressSink.NONE, new CancellationToken());
        assertTrue(again.files().stream().allMatch(f -> f.action() == ModelDownloader.Action.ALREADY_PRESENT));
        assertEquals(List.of(), hub.seen());
    }

    @Test
    void resumesAnInterruptedDownloadWithARangeRequest() throws IOException {
        ModelStore store = model.store(root, hub.base());
        long cut = 1_234_567;
        hub.cutOnce(TinyModel.UNET, cut);

        ModelStoreException first = assertThrows(ModelStoreException.class, () -> new ModelDownloader(store, NO_RETRY)
                .pull("tiny", null, ProgressSink.NONE, new CancellationToken()));
        assertEquals(ModelStoreException.Kind.INTERRUPTED, first.kind(), first.getMessage());
        assertTrue(first.getMessage().contains("atelier models pull tiny"), first.getMessage());
        Path target = root.resolve("tiny").resolve(TinyModel.UNET);
        Path part = target.resolveSibling(target.getFileName() + ".part");
        assertFalse(Files.exists(target));
        assertEquals(cut, Files.size(part), "the part file keeps what arrived");

        hub.clearSeen();
        Recorder rec = new Recorder();
        new ModelDownloader(store, NO_RETRY).pull("tiny", null, rec, new CancellationToken());
        assertArrayEquals(model.unet, Files.readAllBytes(target));
        assertFalse(Files.exists(part));
        assertTrue(hub.seen().stream().anyMatch(s -> s.method().equals("GET") && s.path().startsWith("/cdn/")
                && ("bytes=" + cut + "-").equals(s.range())), "expected a Range request, saw " + hub.seen());
        // the resumed transfer counted from the offset, not from zero
        assertTrue(rec.calls.get(0)[0] > cut, "first progress after resume: " + rec.calls.get(0)[0]);
    }

    @Test
    void resumesWithinOnePullWhenRetriesAreAllowed() throws IOException {
        ModelStore store = model.store(root, hub.base());
        hub.cutOnce(TinyModel.UNET, 700_000);
        ModelDownloader.Options retry = new ModelDownloader.Options(
                Duration.ofSeconds(5), Duration.ofSeconds(10), 2, Duration.ZERO);
        Recorder rec = new Recorder();
        new ModelDownloader(store, retry).pull("tiny", null, rec, new CancellationToken());
        assertArrayEquals(model.unet, Files.readAllBytes(root.resolve("tiny").resolve(TinyModel.UNET)));
        assertTrue(hub.seen().stream().anyMatch(s -> "bytes=700000-".equals(s.range())), hub.seen().toString());
        assertTrue(rec.messages.stream().anyMatch(m -> m.contains("resuming at byte 700000")), rec.messages.toString());
    }

    @Test
    void aServerThatIgnoresRangeIsReadFromTheStart() throws IOException {
        ModelStore store = model.store(root, hub.base());
        hub.cutOnce(TinyModel.UNET, 500_000);
        assertThrows(ModelStoreException.class, () -> new ModelDownloader(store, NO_RETRY)
                .pull("tiny", null, ProgressSink.NONE, new CancellationToken()));
        hub.ignoreRange(true);
        new ModelDownloader(store, NO_RETRY).pull("tiny", null, ProgressSink.NONE, new CancellationToken());
        assertArrayEquals(model.unet, Files.readAllBytes(root.resolve("tiny").resolve(TinyModel.UNET)));
    }

    @Test
    void checksumMismatchFailsNamingBothHashesAndLeavesNothingInPlace() throws IOException {
        byte[] corrupted = model.unet.clone();
        corrupted[123_456] ^= 0x5a;
        hub.lfsLying(TinyModel.UNET, model.unet, corrupted);
        ModelStore store = model.store(root, hub.base());

        ModelStoreException e = assertThrows(ModelStoreException.class, () -> new ModelDownloader(store, NO_RETRY)
                .pull("tiny", null, ProgressSink.NONE, new CancellationToken()));
        assertEquals(ModelStoreException.Kind.CHECKSUM, e.kind());
        assertTrue(e.getMessage().contains(FakeHub.sha256(model.unet)), e.getMessage());
        assertTrue(e.getMessage().contains(FakeHub.sha256(corrupted)), e.getMessage());
        Path target = root.resolve("tiny").resolve(TinyModel.UNET);
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(target.resolveSibling(target.getFileName() + ".part")));
        assertEquals(ModelCommands.BAD_INPUT, ModelCommands.exitCode(e));
    }

    @Test
    void aRegistryDigestTheHubDoesNotPublishIsRefusedBeforeDownloading() throws IOException {
        String pinned = FakeHub.sha256("something else".getBytes(StandardCharsets.UTF_8));
        ModelStore store = TinyModel.store(root, hub.base(), model.entry(pinned));
        ModelStoreException e = assertThrows(ModelStoreException.class, () -> new ModelDownloader(store, NO_RETRY)
                .pull("tiny", null, ProgressSink.NONE, new CancellationToken()));
        assertEquals(ModelStoreException.Kind.CHECKSUM, e.kind());
        assertTrue(e.getMessage().contains(pinned) && e.getMessage().contains(FakeHub.sha256(model.unet)),
                e.getMessage());
        assertTrue(hub.seen().stream().noneMatch(s -> s.path().startsWith("/cdn/")), "nothing may be downloaded");
    }

    @Test
    void anUnreachableHubGivesAClearOfflineMessage() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ModelStore store = model.store(root, "http://127.0.0.1:" + port);
        ModelStoreException e = assertThrows(ModelStoreException.class, () -> new ModelDownloader(store, NO_RETRY)
                .pull("tiny", null, ProgressSink.NONE, new CancellationToken()));
        assertEquals(ModelStoreException.Kind.OFFLINE, e.kind());
        String m = e.getMessage();
        assertTrue(m.contains("cannot reach the hub at http://127.0.0.1:" + port), m);
        assertTrue(m.contains("http://127.0.0.1:" + port + "/" + TinyModel.REPO + "/resolve/main/" + TinyModel.UNET), m);
        assertTrue(m.contains("save as " + root.resolve("tiny").resolve(TinyModel.UNET)), m);
        assertTrue(m.contains("atelier models pull tiny"), m);

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new ModelCommands(store, new ModelDownloader(store, NO_RETRY)).pull("tiny",
                ProgressSink.printing(new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), false));
        assertEquals(ModelCommands.FAILED, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot reach the hub"), err.toString());
    }

    @Test
    void aDifferentFileAlreadyInPlaceIsNeverOverwritten() throws IOException {
        ModelStore store = model.store(root, hub.base());
        Path target = root.resolve("tiny").resolve(TinyModel.UNET);
        Files.createDirectories(target.getParent());
        byte[] mine = "my own weights".getBytes(StandardCharsets.UTF_8);
        Files.write(target, mine);

        ModelStoreException e = assertThrows(ModelStoreException.class, () -> new ModelDownloader(store, NO_RETRY)
                .pull("tiny", null, ProgressSink.NONE, new CancellationToken()));
        assertEquals(ModelStoreException.Kind.CHECKSUM, e.kind());
        assertTrue(e.getMessage().contains("not overwritten"), e.getMessage());
        assertArrayEquals(mine, Files.readAllBytes(target));
    }

    @Test
    void aFilePlacedByHandIsVerifiedAgainstTheHubAndKept() throws IOException {
        ModelStore store = model.store(root, hub.base());
        Path target = root.resolve("tiny").resolve(TinyModel.UNET);
        Files.createDirectories(target.getParent());
        Files.write(target, model.unet);
        ModelDownloader.PullResult r = new ModelDownloader(store, NO_RETRY)
                .pull("tiny", null, ProgressSink.NONE, new CancellationToken());
        assertEquals(ModelDownloader.Action.ALREADY_PRESENT, r.files().get(2).action());
        assertTrue(hub.seen().stream().noneMatch(s -> s.path().startsWith("/cdn/")));
        assertEquals(FakeHub.sha256(model.unet),
                store.manifest(r.entry()).get(TinyModel.UNET).orElseThrow().sha256());
    }

    @Test
    void theFp16VariantIsStoredUnderTheUsualNameAndRecorded() throws IOException {
        ModelStore store = model.store(root, hub.base());
        ModelDownloader.PullResult r = new ModelDownloader(store, NO_RETRY)
                .pull("tiny", "fp16", ProgressSink.NONE, new CancellationToken());
        Path target = root.resolve("tiny").resolve(TinyModel.UNET);
        assertArrayEquals(model.unetFp16, Files.readAllBytes(target));
        Manifest.FileRecord rec = store.manifest(r.entry()).get(TinyModel.UNET).orElseThrow();
        assertEquals("fp16", rec.variant());
        assertEquals(FakeHub.sha256(model.unetFp16), rec.sha256());
        assertTrue(new ModelVerifier(store).verify(r.entry()).stream()
                .allMatch(c -> c.status() == FileCheck.Status.OK));

        ModelStoreException e = assertThrows(ModelStoreException.class, () -> new ModelDownloader(store, NO_RETRY)
                .pull("tiny", "int4", ProgressSink.NONE, new CancellationToken()));
        assertEquals(ModelStoreException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("fp16"), e.getMessage());
    }

    @Test
    void aStalledTransferCountsAsInterruptedAndResumesNextTime() throws IOException {
        ModelStore store = model.store(root, hub.base());
        hub.stallOnce(TinyModel.UNET, 800_000);
        ModelDownloader.Options quick = new ModelDownloader.Options(
                Duration.ofSeconds(5), Duration.ofSeconds(1), 0, Duration.ZERO);
        ModelStoreException e = assertThrows(ModelStoreException.class, () -> new ModelDownloader(store, quick)
                .pull("tiny", null, ProgressSink.NONE, new CancellationToken()));
        assertEquals(ModelStoreException.Kind.INTERRUPTED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("no data for 1 s"), e.getMessage());
        new ModelDownloader(store, quick).pull("tiny", null, ProgressSink.NONE, new CancellationToken());
        assertArrayEquals(model.unet, Files.readAllBytes(root.resolve("tiny").resolve(TinyModel.UNET)));
        assertTrue(hub.seen().stream().anyMatch(s -> "bytes=800000-".equals(s.range())), hub.seen().toString());
    }

    @Test
    void aVariantTheHubLacksFallsBackToTheDefaultForm() throws IOException {
        ModelEntry entry = new ModelEntry("tiny", "a tiny fake model", TinyModel.REPO, "main", "tiny", "diffusers",
                true, null, List.of(new ModelFile("unet/config.json", null, -1, false,
                        java.util.Map.of("fp16", "unet/config.fp16.json"))));
        ModelStore store = TinyModel.store(root, hub.base(), entry);
        Recorder rec = new Recorder();
        ModelDownloader.PullResult r = new ModelDownloader(store, NO_RETRY)
                .pull("tiny", "fp16", rec, new CancellationToken());
        assertEquals(null, r.files().get(0).variant());
        assertArrayEquals(model.unetConfig, Files.readAllBytes(root.resolve("tiny/unet/config.json")));
        assertTrue(rec.messages.stream().anyMatch(m -> m.contains("has no fp16 form")), rec.messages.toString());
    }

    @Test
    void gatedRepositoryAnswersExplainTheToken() throws IOException {
        hub.forceStatus(401);
        ModelStore store = model.store(root, hub.base());
        ModelStoreException e = assertThrows(ModelStoreException.class, () -> new ModelDownloader(store, NO_RETRY)
                .pull("tiny", null, ProgressSink.NONE, new CancellationToken()));
        assertEquals(ModelStoreException.Kind.HUB, e.kind());
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains(HubConfig.TOKEN_ENV), e.getMessage());
    }

    @Test
    void theTokenIsSentToTheHub() throws IOException {
        ModelStore store = new ModelStore(root, ModelRegistry.of(List.of(model.entry())),
                new HubConfig(hub.base(), "secret-token"));
        new ModelDownloader(store, NO_RETRY).pull("tiny", null, ProgressSink.NONE, new CancellationToken());
        assertTrue(hub.seen().stream().filter(s -> s.path().startsWith("/" + TinyModel.REPO))
                .allMatch(s -> "Bearer secret-token".equals(s.authorization())), hub.seen().toString());
    }

    @Test
    void aCancelledPullStopsAndKeepsThePartFile() throws IOException {
        ModelStore store = model.store(root, hub.base());
        CancellationToken cancel = new CancellationToken();
        ProgressSink cancelMidway = (file, done, total, bps) -> {
            if (file.equals(TinyModel.UNET) && done > 0 && done < total) {
                cancel.cancel();
            }
        };
        ModelStoreException e = assertThrows(ModelStoreException.class, () -> new ModelDownloader(store, NO_RETRY)
                .pull("tiny", null, cancelMidway, cancel));
        assertEquals(ModelStoreException.Kind.CANCELLED, e.kind(), e.getMessage());
        Path target = root.resolve("tiny").resolve(TinyModel.UNET);
        assertFalse(Files.exists(target));
    }
}
