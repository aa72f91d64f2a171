package atelier.strategy.pnp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import atelier.api.FloatImage;
import atelier.api.TransferException;
import atelier.api.spi.ParameterSpec;
import atelier.api.spi.StrategySpec;
import atelier.pipeline.diffusion.DdimSchedule;
import atelier.pipeline.diffusion.RunControl;
import atelier.pipeline.diffusion.SdParts;
import atelier.pipeline.tiling.LatentTiles;
import atelier.pipeline.tiling.TileGrid;
import atelier.strategy.pnp.internal.PnpRun;
import atelier.strategy.pnp.internal.PnpStrategy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PnP on latent tiles (tiny test model: 64 px native, VAE factor 2): one PnP run per tile, τ = 0, cancellation. */
class PnpTilingTest {
    private static NDManager manager;
    private static SdParts sd;
    /** 4 sampling steps on a 4-step inversion; tiles of 64 px = 32 latent positions. */
    private static final PnpSettings TILED = PnpSettings.defaults().with(Map.of("attn_layers", "1-2", "steps", "4",
            "inversion_steps", "4", "tau_f", "3", "tau_a", "2", "prompt", "a watercolor of a cat", "tile_size", "64"));
    private static final FloatImage GUIDANCE = smooth(150, 90);

    @BeforeAll
    static void load() throws IOException {
        manager = NDManager.newBaseManager();
        sd = SdParts.load(Path.of(System.getProperty("atelier.shared", "../../../shared")).resolve("models/tiny-sd"),
                manager);
    }

    @AfterAll
    static void close() {
        sd.close();
        manager.close();
    }

    private static FloatImage smooth(int w, int h) {
        float[] d = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[(c * h + y) * w + x] = (float) (0.5 + 0.4 * Math.sin(0.05 * x + 0.9 * c) * Math.cos(0.07 * y)
                            + 0.08 * Math.sin(0.6 * x * y / 40.0));
                }
            }
        }
        return new FloatImage(w, h, 3, d);
    }

    private static int arrays(NDManager m) { return ((BaseNDManager) m).getManagedArrays().size(); }

    private static double maxAbs(FloatImage a, FloatImage b) {
        float[] x = a.data();
        float[] y = b.data();
        assertEquals(x.length, y.length);
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            d = Math.max(d, Math.abs(x[i] - y[i]));
        }
        return d;
    }

    /** Records progress phases; cancels (CANCELLED) once {@code when} matched a recorded "phase done/total". */
    private static final class Recorder implements RunControl {
        final List<String> events = new ArrayList<>();
        final List<Integer> counts = new ArrayList<>();
        private final Predicate<String> when;
        private final NDManager watched;
        private boolean cancelled;

        Recorder(Predicate<String> when, NDManager watched) {
            this.when = when;
            this.watched = watched;
        }

        @Override
        public void progress(String phase, int done, int total) {
            String e = phase + " " + done + "/" + total;
            events.add(e);
            counts.add(arrays(watched));
            cancelled |= when.test(e);
        }

        @Override
        public void checkCancelled() throws Exception {
            if (cancelled) {
                throw new TransferException(TransferException.Kind.CANCELLED, "cancelled");
            }
        }

        long count(Predicate<String> p) { return events.stream().filter(p).count(); }
    }

    @Test
    void theSpecDeclaresTilingAndKeepsEveryKey() {
        StrategySpec spec = new PnpStrategy().spec();
        assertTrue(spec.tilesItself());
        List<String> keys = spec.parameters().stream().map(ParameterSpec::key).toList();
        assertEquals(List.of("prompt", "negative_prompt", "guidance", "tau_f", "tau_a", "alpha_schedule", "alpha0",
                "steps", "inversion_steps", "source_prompt", "attn_layers", "feature_layer", "store", "tile_size"), keys);
        assertEquals(0, PnpSettings.defaults().tile());
        assertEquals(64, TILED.tile());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TILED.with(Map.of("tile_size", "5000")));
        assertTrue(e.getMessage().contains("tile_size"), e.getMessage());
        // tiny-sd: sample_size 32 × VAE factor 2 = 64 px native; 0 means that
        assertEquals(32, sd.latentTile(PnpSettings.defaults().tile()));
        assertFalse(PnpRun.grid(sd, 64, 64, PnpSettings.defaults()).isSplit());
        assertTrue(PnpRun.grid(sd, 150, 90, PnpSettings.defaults()).isSplit());
    }

    @Test
    void aLargeImageRunsOnePnpPerTile() throws Exception {
        TileGrid grid = PnpRun.grid(sd, GUIDANCE.width(), GUIDANCE.height(), TILED);
        int n = grid.tiles().size();
        // 150×90 is padded to 152×92 = 76×46 latent positions: tiles of 32 with overlap ≥ 8, 3 across and 2 down
        assertEquals(6, n);
        assertEquals(32, grid.tileWidth());
        assertEquals(32, grid.tileHeight());
        try (NDManager m = manager.newSubManager()) {
            int before = arrays(m);
            Recorder rec = new Recorder(e -> false, m);
            FloatImage out = PnpRun.execute(sd, GUIDANCE, TILED, m, rec);
            assertEquals(150, out.width());
            assertEquals(90, out.height());
            assertEquals(3, out.channels());
            for (float v : out.data()) {
                assertTrue(Float.isFinite(v), "non-finite pixel");
            }
            assertEquals(before, arrays(m), "the run leaves nothing in its manager");
            String p = "tile " + 1 + "/" + n + ": ";
            for (int k = 1; k <= n; k++) {
                String prefix = "tile " + k + "/" + n + ": ";
                // its own 4-step inversion (up to the first sampling timestep), 4 generation steps
                assertEquals(4, rec.count(e -> e.startsWith(prefix + "inversion ")), prefix);
                assertEquals(1, rec.count(e -> e.equals(prefix + "inversion 4/4")), prefix);
                assertEquals(1, rec.count(e -> e.equals(prefix + "generation 4/4")), prefix);
            }
            assertEquals(n, rec.count(e -> e.endsWith("inversion 4/4")), "one inversion per tile, no other");
            // tiles run one after the other, each inside its own encode … decode
            int last = -1;
            for (int k = 1; k <= n; k++) {
                String prefix = "tile " + k + "/" + n + ": ";
                int first = -1;
                for (int i = 0; i < rec.events.size(); i++) {
                    if (rec.events.get(i).startsWith(prefix)) {
                        assertTrue(i > last, "tile " + k + " overlaps the previous one");
                        first = first < 0 ? i : first;
                        last = i;
                    }
                }
                assertTrue(first >= 0, prefix + "never ran");
            }
            assertEquals("encode " + n + "/" + n, rec.events.get(rec.events.indexOf(p + "inversion 1/4") - 1));
            assertEquals("decode " + n + "/" + n, rec.events.get(rec.events.size() - 1));
            // nothing accumulates from tile to tile: the same arrays are alive at the same point of every tile
            List<Integer> atStart = new ArrayList<>();
            for (int k = 1; k <= n; k++) {
                atStart.add(rec.counts.get(rec.events.indexOf("tile " + k + "/" + n + ": generation 1/4")));
            }
            for (int k = 1; k < n; k++) {
                assertEquals(atStart.get(0), atStart.get(k), "arrays alive at tile " + (k + 1) + " vs tile 1: "
                        + atStart);
            }
        }
    }

    /** DDIM inversion with "" and plain sampling of [negative, cond] (α₀ = 0), written out step by step. */
    private static NDArray invertAndSample(NDArray z0, NDArray empty, NDArray neg, NDArray prompt, NDManager m) {
        DdimSchedule sch = sd.schedule();
        int[] gen = sch.timesteps(4);
        NDArray x = z0;
        float from = sch.alpha(-1);
        for (int i = gen.length - 1; i >= 0; i--) {
            int t = gen[i];
            NDArray e = sd.unet().forward(x, m.create(new int[] {t}), empty);
            x = DdimSchedule.move(x, e, from, sch.alpha(t));
            from = sch.alpha(t);
        }
        NDArray ctx = NDArrays.concat(new NDList(neg, prompt), 0);
        for (int t : gen) {
            NDArray e = sd.unet().forward(NDArrays.concat(new NDList(x, x), 0), m.create(new int[] {t}), ctx);
            NDArray u = e.get("0:1");
            NDArray g = u.add(e.get("1:2").sub(u).mul(7.5f));
            x = DdimSchedule.move(x, g, sch.alpha(t), sch.alpha(sch.previous(t, 4)));
        }
        return x;
    }

    @Test
    void withoutInjectionEveryTileIsPlainSamplingFromItsInvertedLatent() throws Exception {
        PnpSettings plain = TILED.with(Map.of("tau_f", "0", "tau_a", "0"));
        TileGrid grid = PnpRun.grid(sd, GUIDANCE.width(), GUIDANCE.height(), plain);
        assertTrue(grid.isSplit());
        try (NDManager m = manager.newSubManager()) {
            FloatImage pnp = PnpRun.execute(sd, GUIDANCE, plain, m, RunControl.NONE);
            NDArray empty = sd.encodePrompt("", m);
            NDArray neg = sd.encodePrompt(PnpSettings.DEFAULT_NEGATIVE, m);
            NDArray prompt = sd.encodePrompt("a watercolor of a cat", m);
            NDArray z0 = sd.encodeImage(GUIDANCE, "content", m, grid, (i, k) -> { });
            List<Integer> seen = new ArrayList<>();
            NDArray z = LatentTiles.map(z0, grid, (tile, i, scope, c) -> {
                seen.add(i);
                return invertAndSample(tile, empty, neg, prompt, scope);
            }, m, RunControl.NONE);
            assertEquals(grid.tiles().size(), seen.size());
            FloatImage ref = sd.decode(z, GUIDANCE.width(), GUIDANCE.height(), grid, (i, k) -> { });
            double d = maxAbs(pnp, ref);
            assertTrue(d <= 1e-4, "tiled PnP at τ = 0 differs from tiled plain sampling by " + d);
            FloatImage injected = PnpRun.execute(sd, GUIDANCE, TILED, m, RunControl.NONE);
            double moved = maxAbs(injected, ref);
            assertTrue(moved > 1e-3, "injection should change the tiled result, changed by " + moved);
            // the tiles are really independent runs: the whole latent in one piece gives another image
            FloatImage whole = PnpRun.execute(sd, GUIDANCE, plain.with(Map.of("tile_size", "4096")), m, RunControl.NONE);
            assertTrue(maxAbs(whole, ref) > 1e-3, "one 76×46 latent should differ from six blended tiles");
        }
    }

    @Test
    void cancellingBetweenTilesStopsBeforeTheNextTileAndLeaksNothing() throws Exception {
        int n = PnpRun.grid(sd, GUIDANCE.width(), GUIDANCE.height(), TILED).tiles().size();
        try (NDManager m = manager.newSubManager()) {
            int before = arrays(m);
            String trigger = "tile 1/" + n + ": generation 4/4";
            Recorder rec = new Recorder(trigger::equals, m);
            TransferException e = assertThrows(TransferException.class,
                    () -> PnpRun.execute(sd, GUIDANCE, TILED, m, rec));
            assertSame(TransferException.Kind.CANCELLED, e.kind());
            assertEquals(trigger, rec.events.get(rec.events.size() - 1), "work went on after cancelling");
            assertEquals(0, rec.count(x -> x.startsWith("tile 2/") || x.startsWith("decode")));
            assertEquals(before, arrays(m), "a cancelled run leaves nothing in its manager");
        }
    }

    @Test
    void cancellingInsideATileStopsAtTheNextStepAndLeaksNothing() throws Exception {
        int n = PnpRun.grid(sd, GUIDANCE.width(), GUIDANCE.height(), TILED).tiles().size();
        try (NDManager m = manager.newSubManager()) {
            int before = arrays(m);
            String trigger = "tile 2/" + n + ": inversion 1/4";
            Recorder rec = new Recorder(trigger::equals, m);
            TransferException e = assertThrows(TransferException.class,
                    () -> PnpRun.execute(sd, GUIDANCE, TILED, m, rec));
            assertSame(TransferException.Kind.CANCELLED, e.kind());
            assertEquals(trigger, rec.events.get(rec.events.size() - 1), "work went on after cancelling");
            assertEquals(1, rec.count(x -> x.startsWith("tile 2/")));
            assertEquals(0, rec.count(x -> x.startsWith("tile 3/") || x.startsWith("decode")));
            assertEquals(before, arrays(m), "a cancelled run leaves nothing in its manager");
        }
    }
}
