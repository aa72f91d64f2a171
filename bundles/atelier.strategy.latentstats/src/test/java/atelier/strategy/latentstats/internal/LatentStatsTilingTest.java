package atelier.strategy.latentstats.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import atelier.api.FloatImage;
import atelier.api.ProgressListener;
import atelier.api.TransferException;
import atelier.api.spi.StrategyRun;
import atelier.pipeline.cache.MemoryRunCache;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Pixel tiles for the autoencoder with statistics over the whole image, the style cache, cancellation per tile. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LatentStatsTilingTest {
    private final LatentStatsStrategy strategy = new LatentStatsStrategy();
    private NDManager root;
    private FloatImage hubble;
    private FloatImage ihc;

    @BeforeAll
    void load() throws Exception {
        root = NDManager.newBaseManager();
        hubble = TestRunContext.image("hubble_deep_field.jpg");
        ihc = TestRunContext.image("ihc.png");
    }

    @AfterAll
    void close() {
        root.close();
    }

    @Test
    void theStrategyTilesItself() {
        assertTrue(strategy.spec().tilesItself());
    }

    /** Runs with the given tiles; records progress phases. */
    private FloatImage run(TestRunContext ctx, Map<String, String> values, CodecTiles tiles) throws Exception {
        try (StrategyRun r = LatentStatsRun.open(ctx, strategy.spec().validate(values)).withTiles(tiles)) {
            return r.execute();
        } finally {
            ctx.manager.close();
            ctx.traceManager.close();
        }
    }

    /**
     * 640×480 of the Hubble deep field in 256 px tiles overlapping by 128 px (4×3 of them) against one tile: the autoencoder's limited
     * receptive field and the feathered blend keep the difference small, and the statistics are the whole image's.
     * Broken tiling (tiles misplaced, blend weights wrong, per-tile statistics, keep_colors using another tile's
     * content) gives differences many times larger: per-tile statistics alone are checked to be.
     */
    @Test
    void aSplitImageMatchesTheWholeImageWithinTolerance() throws Exception {
        FloatImage content = LatentStatsStrategyTest.crop(hubble, 640, 480);
        Map<String, String> values = Map.of("autoencoder", "taesd", "method", "wct", "keep_colors", "true");
        TestRunContext wholeCtx = new TestRunContext(content, ihc, root);
        FloatImage whole = run(wholeCtx, values, new CodecTiles(640, 0));
        TestRunContext tiledCtx = new TestRunContext(content, ihc, root);
        FloatImage tiled = run(tiledCtx, values, new CodecTiles(256, 128));
        assertTrue(tiledCtx.phases.contains("encode content tiles 12/12"), tiledCtx.phases.toString());
        assertTrue(tiledCtx.phases.contains("decode tiles 12/12"), tiledCtx.phases.toString());
        assertTrue(wholeCtx.phases.stream().noneMatch(p -> p.contains("tiles")), wholeCtx.phases.toString());
        assertEquals(640, tiled.width());
        assertEquals(480, tiled.height());

        double[] d = TilingDifferenceBenchmark.difference(whole, tiled);
        // what per-tile statistics would give: each 256 px tile stylised on its own, pasted in
        FloatImage perTile = perTileStatistics(content, values);
        double[] p = TilingDifferenceBenchmark.difference(whole, perTile);
        System.out.printf(Locale.ROOT, "640x480 taesd wct keep_colors, 256 px tiles / 128 px overlap vs one tile: max "
                + "%.4f, p99.9 %.4f, mean %.5f; per-tile statistics: max %.4f, p99.9 %.4f, mean %.5f%n", d[0], d[1],
                d[2], p[0], p[1], p[2]);
        // measured: max 0.092, p99.9 0.029, mean 0.0021 (with every layer tiled, before the latent-scale layers ran on
        // the whole map: max 0.107, p99.9 0.053, mean 0.0074; the dark image's small latent spread is widened by the
        // style's, and so are the tile borders' small errors); per-tile statistics: mean 0.024, p99.9 0.29
        assertTrue(d[2] < 0.004, "mean difference " + d[2]);
        assertTrue(d[1] < 0.045, "99.9th percentile difference " + d[1]);
        assertTrue(p[2] > 2 * d[2] && p[1] > 3 * d[1], "per-tile statistics must be told apart: mean " + p[2] + " vs "
                + d[2] + ", p99.9 " + p[1] + " vs " + d[1]);
    }

    /**
     * TAEF2 on a 512² collage of four unrelated 256² pictures in 256 px tiles overlapping by 128 px (3×3 of them, the
     * corner tiles each see one picture only). TAEF2's latent-scale blocks normalise with a GroupNorm over the map
     * they see: run per tile, as the whole network once was, each tile took its own picture's statistics; the
     * strategy runs those blocks (the autoencoder's global stages) on the whole map, so only the convolutions' tile
     * borders remain.
     */
    @Test
    void taef2GroupNormBlocksSeeTheWholeImage() throws Exception {
        List<FloatImage> parts = new ArrayList<>();
        for (String name : List.of("astronaut.png", "camera.png", "brick.png", "grass.png")) {
            parts.add(cut(TestRunContext.image(name).toRgb(), 128, 128, 256, 256));
        }
        FloatImage content = collage(parts, 256);
        Map<String, String> values = Map.of("autoencoder", "taef2", "method", "wct");
        FloatImage whole = run(new TestRunContext(content, ihc, root), values, new CodecTiles(512, 0));
        TestRunContext tiledCtx = new TestRunContext(content, ihc, root);
        FloatImage tiled = run(tiledCtx, values, new CodecTiles(256, 128));
        assertTrue(tiledCtx.phases.contains("encode content tiles 9/9"), tiledCtx.phases.toString());
        double[] d = TilingDifferenceBenchmark.difference(whole, tiled);
        System.out.printf(Locale.ROOT, "512x512 collage taef2 wct, 256 px tiles / 128 px overlap vs one tile: max "
                + "%.4f, p99.9 %.4f, mean %.5f%n", d[0], d[1], d[2]);
        // measured: max 0.019, p99.9 0.0077, mean 0.00066; the whole network per tile (GroupNorm per tile) gave
        // max 0.258, p99.9 0.158, mean 0.0278
        assertTrue(d[2] < 0.003, "mean difference " + d[2]);
        assertTrue(d[1] < 0.03, "99.9th percentile difference " + d[1]);
    }

    /** Square pictures of one side, two per row, as one RGB image. */
    static FloatImage collage(List<FloatImage> parts, int side) {
        int n = 2 * side;
        float[] d = new float[3 * n * n];
        for (int k = 0; k < parts.size(); k++) {
            FloatImage p = parts.get(k);
            int ox = (k % 2) * side;
            int oy = (k / 2) * side;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        d[(c * n + oy + y) * n + ox + x] = p.get(c, y, x);
                    }
                }
            }
        }
        return new FloatImage(n, n, 3, d);
    }

    /** Each tile of a 3×3 grid of 256² pieces (no overlap) stylised on its own: the old host-side tiling. */
    private FloatImage perTileStatistics(FloatImage content, Map<String, String> values) throws Exception {
        float[] out = new float[3 * 640 * 480];
        int[] xs = {0, 256, 384};
        int[] ys = {0, 224};
        for (int y0 : ys) {
            for (int x0 : xs) {
                FloatImage piece = cut(content, x0, y0, 256, 256);
                FloatImage r = run(new TestRunContext(piece, ihc, root), values, CodecTiles.DEFAULT);
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < 256; y++) {
                        for (int x = 0; x < 256; x++) {
                            out[(c * 480 + y0 + y) * 640 + x0 + x] = r.get(c, y, x);
                        }
                    }
                }
            }
        }
        return new FloatImage(640, 480, 3, out);
    }

    static FloatImage cut(FloatImage img, int x0, int y0, int w, int h) {
        float[] d = new float[img.channels() * w * h];
        for (int c = 0; c < img.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[(c * h + y) * w + x] = img.get(c, y0 + y, x0 + x);
                }
            }
        }
        return new FloatImage(w, h, img.channels(), d);
    }

    @Test
    void theStyleIsEncodedOncePerCache() throws Exception {
        FloatImage content = LatentStatsStrategyTest.crop(hubble, 120, 96);
        FloatImage otherContent = cut(hubble, 300, 200, 120, 96);
        FloatImage style = LatentStatsStrategyTest.crop(ihc, 96, 64);
        Map<String, String> values = Map.of("autoencoder", "taesd", "method", "adain");
        try (MemoryRunCache shared = new MemoryRunCache(root)) {
            TestRunContext first = new TestRunContext(content, style, root);
            first.cache = shared;
            run(first, values, CodecTiles.DEFAULT);
            assertEquals(1, shared.misses());
            assertEquals(0, shared.hits());

            TestRunContext second = new TestRunContext(otherContent, style, root);
            second.cache = shared;
            FloatImage cached = run(second, values, CodecTiles.DEFAULT);
            assertEquals(1, shared.misses(), "the second plane must not encode the style again");
            assertEquals(1, shared.hits());
            assertEquals(1, shared.size());

            TestRunContext fresh = new TestRunContext(otherContent, style, root);
            FloatImage uncached = run(fresh, values, CodecTiles.DEFAULT);
            assertArrayEquals(uncached.data(), cached.data(), "a cache hit must give the pixels of a fresh run");

            // another style, or the same style with other weights, is another value
            TestRunContext otherStyle = new TestRunContext(content, cut(ihc, 10, 10, 96, 64), root);
            otherStyle.cache = shared;
            run(otherStyle, values, CodecTiles.DEFAULT);
            TestRunContext otherWeights = new TestRunContext(content, style, root);
            otherWeights.cache = shared;
            run(otherWeights, Map.of("autoencoder", "taesdxl", "method", "adain"), CodecTiles.DEFAULT);
            assertEquals(3, shared.misses());
            assertEquals(3, shared.size());
        }
    }

    /**
     * Cancelled before the second tile of the content, and before the second tile of the style (inside the cache's
     * loader): the run manager holds exactly what it held before (the autoencoder's weights), and the cache holds
     * nothing.
     */
    @Test
    void cancellationBetweenTilesLeavesNoArrays() throws Exception {
        FloatImage content = LatentStatsStrategyTest.crop(hubble, 200, 120);
        for (String phase : List.of("encode content tiles", "encode style tiles", "decode tiles")) {
            try (MemoryRunCache shared = new MemoryRunCache(root)) {
                List<String> seen = new ArrayList<>();
                TestRunContext ctx = new TestRunContext(content, LatentStatsStrategyTest.crop(ihc, 150, 100), root) {
                    @Override
                    public ProgressListener progress() {
                        return (p, done, total) -> {
                            seen.add(p + " " + done + "/" + total);
                            if (p.equals(phase) && done == 1) {
                                cancel.cancel();
                            }
                        };
                    }
                };
                ctx.cache = shared;
                try (StrategyRun r = LatentStatsRun.open(ctx, strategy.spec().validate(Map.of("autoencoder", "taesd")))
                        .withTiles(new CodecTiles(64, 16))) {
                    int before = ((BaseNDManager) ctx.manager).getManagedArrays().size();
                    TransferException e = assertThrows(TransferException.class, r::execute);
                    assertEquals(TransferException.Kind.CANCELLED, e.kind());
                    assertTrue(seen.stream().anyMatch(p -> p.startsWith(phase + " 1/")), phase + ": " + seen);
                    assertTrue(seen.stream().noneMatch(p -> p.startsWith(phase + " 2/")), phase + ": " + seen);
                    assertEquals(before, ((BaseNDManager) ctx.manager).getManagedArrays().size(),
                            "arrays left in the run manager after cancelling at " + phase);
                    assertEquals(phase.startsWith("decode") ? 1 : 0, shared.size());
                } finally {
                    ctx.manager.close();
                    ctx.traceManager.close();
                }
            }
        }
    }
}
