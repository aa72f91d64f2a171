package atelier.strategy.styleid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.CancellationToken;
import atelier.api.FloatImage;
import atelier.api.ProgressListener;
import atelier.api.TransferException;
import atelier.api.spi.ParameterSpec;
import atelier.api.spi.RunCache;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategySpec;
import atelier.api.spi.TraceSink;
import atelier.pipeline.cache.MemoryRunCache;
import atelier.pipeline.diffusion.Images;
import atelier.pipeline.diffusion.RunControl;
import atelier.pipeline.diffusion.SdParts;
import atelier.pipeline.features.StorePolicy;
import atelier.pipeline.tiling.TileGrid;
import atelier.strategy.styleid.internal.StyleIdRun;
import atelier.strategy.styleid.internal.StyleIdStrategy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * StyleID on latent tiles with a cached style half, on the tiny test model (UNet sample size 32 latent positions =
 * 64 px, VAE factor 2): one tile is the former whole-image path; a split image inverts the style once and every tile
 * its own content; a second plane reuses the cached inversion without growing the cache; keys tell styles and step
 * counts apart; every store policy works with the cached half.
 */
class StyleIdTilingTest {
    private static NDManager manager;
    private static SdParts sd;
    /** Tiny-sd has self-attention only in up_blocks.0, i.e. LDM output blocks 0–2. */
    private static final StyleIdSettings BASE = StyleIdSettings.defaults().withLayers("0-2").withSteps(4)
            .withStore("fp32");
    private static final StyleIdSettings TILED = BASE.withTile(64);
    private static final String MODEL = "tiny-sd";

    @BeforeAll
    static void load() throws IOException {
        manager = NDManager.newBaseManager();
        sd = SdParts.load(StyleIdTest.tinySd(), manager);
    }

    @AfterAll
    static void close() {
        sd.close();
        manager.close();
    }

    private static FloatImage pattern(int w, int h, double fx, double fy, double phase) {
        float[] d = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[(c * h + y) * w + x] = (float) (0.5 + 0.4 * Math.sin(fx * x + phase + 0.9 * c)
                            * Math.cos(fy * y - phase));
                }
            }
        }
        return new FloatImage(w, h, 3, d);
    }

    private static final FloatImage CONTENT = pattern(150, 90, 0.05, 0.07, 0);
    private static final FloatImage PLANE2 = pattern(150, 90, 0.09, 0.03, 1.3);
    private static final FloatImage STYLE = pattern(70, 50, 0.4, 0.3, 0.5);
    private static final FloatImage STYLE2 = pattern(70, 50, 0.2, 0.6, 2.0);

    /** Records progress phases that completed ({@code done == total}). */
    private static final class Phases implements RunControl {
        final List<String> done = new ArrayList<>();

        @Override
        public void progress(String phase, int d, int total) {
            if (d == total) {
                done.add(phase);
            }
        }

        long count(String phase) { return done.stream().filter(phase::equals).count(); }
    }

    private static int managedArrays(NDManager m) { return m.getManagedArrays().size(); }

    @Test
    void theSpecDeclaresTilingAndTheTileParameter() {
        StrategySpec spec = new StyleIdStrategy().spec();
        assertTrue(spec.tilesItself());
        ParameterSpec tile = spec.parameters().get(spec.parameters().size() - 1);
        assertEquals("tile_size", tile.key());
        assertEquals(0, StyleIdSettings.defaults().tile());
        assertTrue(tile.help().contains("default 0") && tile.help().contains("native"), tile.help());
        assertEquals(List.of("gamma", "tau", "layers", "steps", "adain", "start", "prompt", "guidance", "store",
                "tile_size"), spec.parameters().stream().map(ParameterSpec::key).collect(Collectors.toList()));
        assertEquals(64, sd.latentTile(0) * sd.vaeFactor(), "tiny-sd's native tile in pixels");
    }

    @Test
    void oneTileIsTheFormerWholeImagePath() throws Exception {
        FloatImage c = pattern(62, 63, 0.1, 0.05, 0.2);
        FloatImage s = pattern(48, 40, 0.3, 0.2, 0.1);
        assertFalse(StyleIdRun.grid(sd, c, BASE).isSplit());
        try (NDManager m = manager.newSubManager()) {
            FloatImage tiled = StyleIdRun.execute(sd, c, s, BASE, m, RunControl.NONE);
            // the former run: style resized to the content, both encoded whole, one StyleID run, whole decode
            NDArray zc = sd.encodeImage(c, "content", m);
            NDArray zs = sd.encodeImage(Images.resize(s, 62, 63), "style", m);
            NDArray empty = sd.encodePrompt("", m);
            NDArray z = new StyleId(sd.unet(), sd.schedule(), BASE).run(zc, zs, empty, empty, StorePolicy.FP32, m,
                    RunControl.NONE).latent();
            assertEquals(sd.decode(z, 62, 63), tiled, "one tile must give the former result exactly");
        }
    }

    @Test
    void aLargeContentIsSplitAndTheStyleIsInvertedOnce() throws Exception {
        TileGrid grid = StyleIdRun.grid(sd, CONTENT, TILED);
        int n = grid.tiles().size();
        assertTrue(grid.isSplit());
        assertEquals(6, n, "76×46 latent positions in 32×32 tiles overlapping by 8");
        Phases phases = new Phases();
        try (NDManager m = manager.newSubManager(); MemoryRunCache cache = new MemoryRunCache(m)) {
            FloatImage out = StyleIdRun.execute(sd, MODEL, CONTENT, STYLE, TILED, cache, m, phases);
            assertEquals(150, out.width());
            assertEquals(90, out.height());
            assertEquals(3, out.channels());
            double sum = 0;
            for (float v : out.data()) {
                assertTrue(Float.isFinite(v), "non-finite pixel");
                sum += v;
            }
            double mean = sum / out.data().length;
            assertTrue(mean > 0.01 && mean < 0.99, "mean pixel " + mean);
            assertEquals(1, phases.count("inversion style"), phases.done.toString());
            assertEquals(0, phases.count("inversion style: cached"));
            for (int k = 1; k <= n; k++) {
                assertEquals(1, phases.count("tile " + k + "/" + n + ": inversion content"), "tile " + k);
                assertEquals(1, phases.count("tile " + k + "/" + n + ": generation"), "tile " + k);
                assertEquals(0, phases.count("tile " + k + "/" + n + ": inversion style"), "tile " + k);
            }
            // the style latent and the style half were loaded once; the other tiles found the half
            assertEquals(2, cache.misses());
            assertEquals(n - 1, cache.hits());
            assertEquals(2, cache.size());
        }
    }

    @Test
    void aSecondPlaneReusesTheStyleInversionWithoutGrowingTheCache() throws Exception {
        try (NDManager m = manager.newSubManager(); NDManager sessionManager = manager.newSubManager();
                MemoryRunCache session = new MemoryRunCache(sessionManager)) {
            Phases first = new Phases();
            StyleIdRun.execute(sd, MODEL, CONTENT, STYLE, TILED, session, m, first);
            int afterFirst = managedArrays(sessionManager);
            assertTrue(afterFirst > 0, "the cache keeps the style half");
            assertEquals(1, first.count("inversion style"));

            Phases second = new Phases();
            FloatImage cached = StyleIdRun.execute(sd, MODEL, PLANE2, STYLE, TILED, session, m, second);
            assertEquals(0, second.count("inversion style"), "the second plane must not invert the style again");
            assertEquals(1, second.count("inversion style: cached"));
            assertEquals(afterFirst, managedArrays(sessionManager), "the cache manager grew during the second run");
            assertEquals(2, session.misses(), "only the first plane loads");

            try (MemoryRunCache fresh = new MemoryRunCache(m)) {
                Phases alone = new Phases();
                FloatImage reference = StyleIdRun.execute(sd, MODEL, PLANE2, STYLE, TILED, fresh, m, alone);
                assertEquals(1, alone.count("inversion style"));
                assertEquals(reference, cached, "the cached style half gives other pixels than a fresh one");
            }
        }
    }

    @Test
    void theCacheKeyNamesTheStyleTheStepsAndTheTile() throws Exception {
        FloatImage c = pattern(62, 63, 0.1, 0.05, 0.2);
        try (NDManager m = manager.newSubManager(); MemoryRunCache cache = new MemoryRunCache(m)) {
            Phases p = new Phases();
            StyleIdRun.execute(sd, MODEL, c, STYLE, BASE, cache, m, p);
            assertEquals(1, p.count("inversion style"));
            p = new Phases();
            StyleIdRun.execute(sd, MODEL, c, STYLE2, BASE, cache, m, p);
            assertEquals(1, p.count("inversion style"), "another style image must miss");
            p = new Phases();
            StyleIdRun.execute(sd, MODEL, c, STYLE, BASE.withSteps(3), cache, m, p);
            assertEquals(1, p.count("inversion style"), "another step count must miss");
            p = new Phases();
            StyleIdRun.execute(sd, MODEL, c, STYLE, BASE.withStart(StyleIdSettings.CLEAN), cache, m, p);
            assertEquals(1, p.count("inversion style"), "another start mode must miss");
            p = new Phases();
            StyleIdRun.execute(sd, MODEL, c, STYLE, BASE.withStore("fp16"), cache, m, p);
            assertEquals(1, p.count("inversion style"), "another store policy must miss");
            p = new Phases();
            StyleIdRun.execute(sd, MODEL, c, STYLE, BASE.withLayers("1-2"), cache, m, p);
            assertEquals(1, p.count("inversion style"), "other layers must miss");
            int misses = cache.misses();
            // generation-only settings share the style half
            p = new Phases();
            StyleIdRun.execute(sd, MODEL, c, STYLE, BASE.withGamma(0.3).withTau(2).withAdain(false)
                    .withPrompt("a red house", 2.0), cache, m, p);
            assertEquals(0, p.count("inversion style"), "γ, τ, AdaIN and the prompt do not change the style half");
            assertEquals(1, p.count("inversion style: cached"));
            assertEquals(misses, cache.misses());
            // another content size resizes the style to another size: latent and inversion miss
            p = new Phases();
            StyleIdRun.execute(sd, MODEL, pattern(60, 63, 0.1, 0.05, 0.2), STYLE, BASE, cache, m, p);
            assertEquals(1, p.count("inversion style"), "another style size must miss");
            assertEquals(misses + 2, cache.misses());
        }
    }

    /** What a host hands the strategy: the tiny model under any name, a session's cache. */
    private static RunContext context(FloatImage content, FloatImage style, NDManager run, RunCache cache,
            List<String> phases) {
        return new RunContext() {
            @Override public FloatImage content() { return content; }

            @Override public FloatImage style() { return style; }

            @Override public long seed() { return 0; }

            @Override public NDManager manager() { return run; }

            @Override public ProgressListener progress() {
                return (phase, done, total) -> {
                    if (done == total) {
                        phases.add(phase);
                    }
                };
            }

            @Override public CancellationToken cancellation() { return new CancellationToken(); }

            @Override public Path model(String nameOrPath) { return StyleIdTest.tinySd(); }

            @Override public String requestedModel() { return "tiny-sd"; }

            @Override public Optional<TraceSink> trace() { return Optional.empty(); }

            @Override public RunCache cache() { return cache; }
        };
    }

    @Test
    void theStrategySharesTheStyleHalfBetweenTheRunsOfASession() throws Exception {
        StyleIdStrategy strategy = new StyleIdStrategy();
        var params = strategy.spec().validate(Map.of("layers", "0-2", "steps", "3", "store", "fp32", "tile_size", "64"));
        try (NDManager session = manager.newSubManager(); MemoryRunCache cache = new MemoryRunCache(session)) {
            List<String> first = new ArrayList<>();
            List<String> second = new ArrayList<>();
            FloatImage a;
            FloatImage b;
            try (NDManager run = manager.newSubManager()) {
                a = strategy.open(context(CONTENT, STYLE, run, cache, first), params).execute();
            }
            try (NDManager run = manager.newSubManager()) {
                b = strategy.open(context(PLANE2, STYLE, run, cache, second), params).execute();
            }
            assertEquals(150, a.width());
            assertEquals(90, b.height());
            assertEquals(1, first.stream().filter("inversion style"::equals).count(), first.toString());
            assertEquals(0, second.stream().filter("inversion style"::equals).count(), second.toString());
            assertTrue(second.contains("inversion style: cached"), second.toString());
            assertEquals(2, cache.misses());
        }
    }

    /** A session cache that remembers the style halves it handed out. */
    private static final class RecordingCache implements RunCache {
        final MemoryRunCache cache;
        final List<StyleSide> sides = new ArrayList<>();

        RecordingCache(NDManager parent) { cache = new MemoryRunCache(parent); }

        @Override
        public <T> T get(String key, Class<T> type, Loader<T> loader) throws Exception {
            T v = cache.get(key, type, loader);
            if (v instanceof StyleSide s && !sides.contains(s)) {
                sides.add(s);
            }
            return v;
        }

        @Override
        public boolean contains(String key) { return cache.contains(key); }
    }

    @Test
    void everyStorePolicyWorksWithTheCachedStyleHalfOnTiles() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = featureFolders(tmp);
        try (NDManager m = manager.newSubManager()) {
            NDArray ref;
            try (MemoryRunCache cache = new MemoryRunCache(m)) {
                ref = StyleIdRun.latent(sd, MODEL, CONTENT, STYLE, TILED, cache, m, RunControl.NONE);
            }
            double scale = ref.abs().max().getFloat();
            for (StorePolicy p : new StorePolicy[] {StorePolicy.FP16, StorePolicy.DISK, StorePolicy.RECOMPUTE}) {
                NDArray z;
                Phases phases = new Phases();
                RecordingCache cache = new RecordingCache(m);
                try (MemoryRunCache closing = cache.cache) {
                    z = StyleIdRun.latent(sd, MODEL, CONTENT, STYLE, TILED.withStore(p.key()), cache, m, phases);
                    assertEquals(1, cache.sides.size());
                    assertEquals(p, cache.sides.get(0).policy());
                    if (p == StorePolicy.DISK) {
                        assertTrue(Files.isDirectory(cache.sides.get(0).folder()), "the cached disk store's folder");
                    }
                }
                Path folder = cache.sides.get(0).folder();
                assertTrue(folder == null || !Files.exists(folder), "closing the cache must delete " + folder);
                assertEquals(1, phases.count("inversion style"), p.key());
                assertEquals(ref.getShape(), z.getShape());
                double d = ref.sub(z).abs().max().getFloat();
                double bound = p == StorePolicy.FP16 ? p.statedTolerance() * scale : 1e-4;
                System.out.printf("tiled styleid, store %s vs fp32: max |Δ| %.3g (bound %.3g)%n", p, d, bound);
                assertTrue(d <= bound, p + " differs from fp32 by " + d + " (bound " + bound + ")");
            }
        }
        assertNoNewFolders(tmp, before, "tiles' content stores and the cached style store must be deleted");
    }

    @Test
    void aCancelledStyleInversionCachesNothingAndLeavesNoFolder() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = featureFolders(tmp);
        CancellationToken token = new CancellationToken();
        RunControl control = new RunControl() {
            @Override
            public void progress(String phase, int done, int total) {
                if (phase.equals("inversion style") && done == 2) {
                    token.cancel();
                }
            }

            @Override
            public void checkCancelled() throws Exception {
                token.throwIfCancelled();
            }
        };
        StyleIdSettings disk = TILED.withStore("disk");
        try (NDManager m = manager.newSubManager(); MemoryRunCache cache = new MemoryRunCache(m)) {
            assertThrows(TransferException.class,
                    () -> StyleIdRun.execute(sd, MODEL, CONTENT, STYLE, disk, cache, m, control));
            assertNoNewFolders(tmp, before, "a feature folder survived the cancelled style inversion");
            assertEquals(1, cache.size(), "only the style latent may be cached, not a half-done inversion");
            Phases again = new Phases();
            FloatImage out = StyleIdRun.execute(sd, MODEL, CONTENT, STYLE, disk, cache, m, again);
            assertEquals(1, again.count("inversion style"), "the next run inverts the style in full");
            assertEquals(150, out.width());
        }
        assertNoNewFolders(tmp, before, "a feature folder survived");
    }

    @Test
    void aStyleHalfOfOtherSettingsIsRefusedWithBothNamed() throws Exception {
        try (NDManager m = manager.newSubManager()) {
            NDArray z = m.randomNormal(new ai.djl.ndarray.types.Shape(1, 4, 32, 32));
            NDArray empty = sd.encodePrompt("", m);
            try (StyleSide side = new StyleId(sd.unet(), sd.schedule(), BASE).invertStyle(z, empty, StorePolicy.FP32, m,
                    RunControl.NONE)) {
                StyleId three = new StyleId(sd.unet(), sd.schedule(), BASE.withSteps(3));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> three.run(z, () -> side, empty, empty, StorePolicy.FP32, m, RunControl.NONE));
                assertTrue(e.getMessage().contains("steps=4") && e.getMessage().contains("steps=3"), e.getMessage());
                StyleId same = new StyleId(sd.unet(), sd.schedule(), BASE);
                e = assertThrows(IllegalArgumentException.class,
                        () -> same.run(z, () -> side, empty, empty, StorePolicy.FP16, m, RunControl.NONE));
                assertTrue(e.getMessage().contains("fp32") && e.getMessage().contains("fp16"), e.getMessage());
                NDArray small = m.randomNormal(new ai.djl.ndarray.types.Shape(1, 4, 16, 32));
                e = assertThrows(IllegalArgumentException.class,
                        () -> same.run(small, () -> side, empty, empty, StorePolicy.FP32, m, RunControl.NONE));
                assertTrue(e.getMessage().contains("(1, 4, 16, 32)"), e.getMessage());
            }
        }
    }

    /**
     * Fails when a feature folder created since {@code before} still exists; other processes on the machine may use
     * the same temporary folder, so one that vanishes within a few seconds is theirs.
     */
    private static void assertNoNewFolders(Path tmp, Set<Path> before, String message) throws Exception {
        Set<Path> extra = new HashSet<>(featureFolders(tmp));
        extra.removeAll(before);
        for (int i = 0; i < 50 && !extra.isEmpty(); i++) {
            Thread.sleep(100);
            extra.removeIf(p -> !Files.exists(p));
        }
        assertTrue(extra.isEmpty(), message + ": " + extra);
    }

    private static Set<Path> featureFolders(Path tmp) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("atelier-features-"))
                    .collect(Collectors.toCollection(HashSet::new));
        }
    }
}
