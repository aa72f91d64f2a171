package atelier.pipeline.internal;

import static atelier.pipeline.internal.TestStrategies.grey;
import static atelier.pipeline.internal.TestStrategies.reference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDManager;
import atelier.api.CancellationToken;
import atelier.api.FloatImage;
import atelier.api.StrategyInfo;
import atelier.api.TransferException;
import atelier.api.TransferException.Kind;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;
import atelier.api.spi.InjectionStrategy;
import atelier.api.spi.ModelLocator;
import atelier.api.spi.Params;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.api.spi.StrategySpec;
import atelier.runtime.io.SafetensorsFile;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Constants;

class DefaultStyleTransferServiceTest {
    @TempDir Path tmp;
    DefaultStyleTransferService service;
    TestStrategies.Gain gain;
    long nextId = 1;

    @BeforeEach
    void setUp() {
        service = new DefaultStyleTransferService(new DirectoryModelLocator(tmp.resolve("models")));
        gain = new TestStrategies.Gain();
        bind(gain, null, "org.example.gain", "1.0.0", 0);
    }

    private long bind(InjectionStrategy s, String idProperty, String bsn, String version, int ranking) {
        long id = nextId++;
        Map<String, Object> props = new java.util.HashMap<>(Map.of(Constants.SERVICE_ID, id,
                Constants.SERVICE_RANKING, ranking));
        if (idProperty != null) {
            props.put(InjectionStrategy.ID_PROPERTY, idProperty);
        }
        service.bindStrategy(reference(props, bsn, version), s);
        return id;
    }

    private TransferRequest.Builder request(String id) {
        return TransferRequest.builder(grey(5, 3, 0.25f), grey(4, 4, 0.5f), id);
    }

    private TransferException fails(TransferRequest r) {
        return assertThrows(TransferException.class, () -> service.transfer(r, null, new CancellationToken()));
    }

    @Test
    void runsAStrategyWithDefaultsFilledIn() throws Exception {
        TransferResult r = service.transfer(request("gain").parameter("gain", "2").build(), null, null);
        assertEquals(0.5f, r.image().get(0, 2, 4), 1e-6);
        assertEquals(Map.of("gain", "2.0", "invert", "false"), r.parameters());
        assertEquals("org.example.gain", r.bundle());
        assertEquals("1.0.0", r.strategyVersion());
        assertEquals("gain", r.strategyId());
        assertTrue(gain.closed, "run closed");
        assertFalse(gain.lastManager.get().isOpen(), "run manager closed");
    }

    @Test
    void unknownStrategyListsTheInstalledOnes() {
        bind(new TestStrategies.Boom(false), null, "org.example.boom", "0.1.0", 0);
        TransferException e = fails(request("nope").build());
        assertEquals(Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("unknown strategy 'nope'"), e.getMessage());
        assertTrue(e.getMessage().contains("boom, gain"), e.getMessage());
    }

    @Test
    void unknownParameterIsBadInputNamingTheKnownOnes() {
        TransferException e = fails(request("gain").parameter("bogus", "1").build());
        assertEquals(Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("'bogus'"), e.getMessage());
        assertTrue(e.getMessage().contains("gain") && e.getMessage().contains("invert"), e.getMessage());
    }

    @Test
    void outOfRangeAndUnparsableValuesAreBadInput() {
        TransferException e = fails(request("gain").parameter("gain", "3.5").build());
        assertEquals(Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("gain: 3.5 is out of range [0, 2]"), e.getMessage());
        TransferException e2 = fails(request("gain").parameter("invert", "perhaps").build());
        assertEquals(Kind.BAD_INPUT, e2.kind());
        assertTrue(e2.getMessage().contains("invert"), e2.getMessage());
    }

    @Test
    void aStrategyThatThrowsIsNamedWithItsBundleAndTheServiceCarriesOn() throws Exception {
        TestStrategies.Boom boom = new TestStrategies.Boom(false);
        bind(boom, null, "org.example.boom", "1.2.3", 0);
        TransferException e = fails(request("boom").build());
        assertEquals(Kind.STRATEGY_FAILED, e.kind());
        assertEquals("strategy 'boom' from bundle org.example.boom 1.2.3 failed: IllegalStateException: kaput",
                e.getMessage());
        assertTrue(boom.closed, "the run was closed");
        assertFalse(boom.lastManager.get().isOpen(), "the run manager was closed");
        assertTrue(boom.allocated.get().isReleased(), "arrays of the run were released");
        // the host carries on
        assertEquals(0.25f, service.transfer(request("gain").build(), null, null).image().get(0, 0, 0), 1e-6);
    }

    @Test
    void aStrategyThatThrowsInOpenClosesTheManagerToo() {
        TestStrategies.Boom boom = new TestStrategies.Boom(true);
        bind(boom, null, "org.example.boom", "2.0.0", 0);
        TransferException e = fails(request("boom").build());
        assertEquals(Kind.STRATEGY_FAILED, e.kind());
        assertTrue(e.getMessage().startsWith("strategy 'boom' from bundle org.example.boom 2.0.0 failed: "
                + "IllegalArgumentException: bad weights"), e.getMessage());
        assertFalse(boom.lastManager.get().isOpen());
    }

    @Test
    void damagedModelFilesAreRecognisedThroughWrappers() {
        var format = new atelier.runtime.io.SafetensorsFormatException("unet.safetensors: header length 99 is beyond the file");
        assertEquals(format, DefaultStyleTransferService.damagedModel(
                new RuntimeException("load failed", new java.io.UncheckedIOException(format))));
        var shape = new atelier.runtime.nn.Weights.WeightsException("tensor 'conv_in.weight' has shape [1] but …");
        assertEquals(shape, DefaultStyleTransferService.damagedModel(shape));
        assertEquals(null, DefaultStyleTransferService.damagedModel(new IllegalStateException("kaput")));
    }

    @Test
    void aWrongSizedResultIsAStrategyFailure() {
        bind(new Fixed(grey(2, 2, 0f)), null, "org.example.fixed", "1.0.0", 0);
        TransferException e = fails(request("fixed").build());
        assertEquals(Kind.STRATEGY_FAILED, e.kind());
        assertTrue(e.getMessage().contains("2×2") && e.getMessage().contains("5×3"), e.getMessage());
    }

    @Test
    void cancelledBeforeStartAndDuringTheRun() {
        CancellationToken token = new CancellationToken();
        token.cancel();
        TransferException e = assertThrows(TransferException.class,
                () -> service.transfer(request("gain").build(), null, token));
        assertEquals(Kind.CANCELLED, e.kind());

        CancelsItself self = new CancelsItself();
        bind(self, null, "org.example.cancel", "1.0.0", 0);
        TransferException e2 = fails(request("cancel").build());
        assertEquals(Kind.CANCELLED, e2.kind());
        assertTrue(self.closed);
        assertFalse(self.manager.isOpen());
    }

    @Test
    void idPropertyRankingAndUnbind() {
        TestStrategies.Gain other = new TestStrategies.Gain();
        long low = bind(other, "gain", "org.example.gain2", "3.0.0", -5);
        assertEquals("org.example.gain", service.strategy("gain").orElseThrow().bundle());
        long high = bind(new TestStrategies.Gain(), "gain", "org.example.gain3", "4.0.0", 10);
        assertEquals("org.example.gain3", service.strategy("gain").orElseThrow().bundle());
        bind(new TestStrategies.Gain(), "renamed", "org.example.gain4", "1.0.0", 0);
        List<StrategyInfo> all = service.strategies();
        assertEquals(List.of("gain", "renamed"), all.stream().map(StrategyInfo::id).toList());
        assertEquals("renamed", service.strategy("renamed").orElseThrow().spec().id());
        service.unbindStrategy(reference(Map.of(Constants.SERVICE_ID, high), "x", "0.0.0"));
        assertEquals("org.example.gain", service.strategy("gain").orElseThrow().bundle());
        service.unbindStrategy(reference(Map.of(Constants.SERVICE_ID, low), "x", "0.0.0"));
        service.unbindStrategy(reference(Map.of(Constants.SERVICE_ID, 1L), "x", "0.0.0"));
        assertTrue(service.strategy("gain").isEmpty());
    }

    @Test
    void traceIsWrittenInRecordOrderAndNeverOverwritten() throws Exception {
        Path trace = tmp.resolve("run.safetensors");
        service.transfer(request("gain").traceFile(trace).build(), null, null);
        assertTrue(Files.exists(trace));
        try (SafetensorsFile f = SafetensorsFile.open(trace); NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(new float[] {-0f, -1, -2}, java.util.Arrays.copyOf(
                    f.load("final", m).toFloatArray(), 3));
            assertEquals(552f, f.load("generation.t0801", m).sum().getFloat(), 1e-3);
            assertArrayEquals(new long[] {801, 781}, f.load("step", m).toLongArray());
            assertEquals("gain", f.metadata().get("strategy"));
        }
        String header = header(trace);
        int a = header.indexOf("\"encode.content\"");
        int b = header.indexOf("\"generation.t0801\"");
        int c = header.indexOf("\"step\"");
        int d = header.indexOf("\"final\"");
        assertTrue(a > 0 && a < b && b < c && c < d, header);

        byte[] before = Files.readAllBytes(trace);
        TransferException e = fails(request("gain").traceFile(trace).build());
        assertEquals(Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(trace), "existing trace untouched");
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().contains("run.safetensors")).count(),
                    "no temporary files left");
        }
    }

    @Test
    void missingModelIsAModelErrorSayingWhereToPutIt() {
        bind(new NeedsModel(), null, "org.example.model", "1.0.0", 0);
        TransferException e = fails(request("needs-model").build());
        assertEquals(Kind.MODEL, e.kind());
        assertTrue(e.getMessage().contains("'taef2'") && e.getMessage().contains(tmp.resolve("models").toString())
                && e.getMessage().contains("ATELIER_MODELS"), e.getMessage());
    }

    @Test
    void modelsResolveThroughTheLocatorServiceWhenPresent() throws Exception {
        Path file = Files.writeString(tmp.resolve("w.bin"), "weights");
        bind(new NeedsModel(), null, "org.example.model", "1.0.0", 0);
        ModelLocator store = new ModelLocator() {
            @Override public Path locate(String name) { return file; }
            @Override public String sha256(Path model) { return "abc"; }
        };
        service.setModelLocator(store);
        TransferResult r = service.transfer(request("needs-model").build(), null, null);
        assertEquals("taef2", r.model());
        assertEquals("abc", r.modelSha256());
        service.unsetModelLocator(store);
        assertEquals(Kind.MODEL, fails(request("needs-model").build()).kind());
    }

    static String header(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        long n = java.nio.ByteBuffer.wrap(all, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        return new String(all, 8, (int) n, StandardCharsets.UTF_8);
    }

    /** Returns a fixed image. */
    static final class Fixed implements InjectionStrategy {
        private final FloatImage image;

        Fixed(FloatImage image) { this.image = image; }

        @Override public StrategySpec spec() { return new StrategySpec("fixed", "Fixed", "", "", "", List.of()); }

        @Override public StrategyRun open(RunContext c, Params p) { return () -> image; }
    }

    /** Cancels its own token between two steps, as a host would from another thread. */
    static final class CancelsItself implements InjectionStrategy {
        volatile boolean closed;
        volatile NDManager manager;

        @Override public StrategySpec spec() { return new StrategySpec("cancel", "Cancel", "", "", "", List.of()); }

        @Override
        public StrategyRun open(RunContext c, Params p) {
            manager = c.manager();
            return new StrategyRun() {
                @Override
                public FloatImage execute() throws Exception {
                    c.progress().progress("step", 1, 2);
                    c.cancellation().cancel();
                    c.cancellation().throwIfCancelled();
                    return c.content();
                }

                @Override public void close() { closed = true; }
            };
        }
    }

    /** Asks the context for a model. */
    static final class NeedsModel implements InjectionStrategy {
        @Override
        public StrategySpec spec() { return new StrategySpec("needs-model", "M", "", "", "taef2", List.of()); }

        @Override
        public StrategyRun open(RunContext c, Params p) throws Exception {
            Path model = c.model(c.requestedModel());
            return () -> {
                assertTrue(Files.exists(model));
                return c.content();
            };
        }
    }
}
