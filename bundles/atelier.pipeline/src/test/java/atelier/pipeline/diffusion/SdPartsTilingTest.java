package atelier.pipeline.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import atelier.api.FloatImage;
import atelier.pipeline.tiling.LatentTiles;
import atelier.pipeline.tiling.TileGrid;

/** Tiled VAE encoding/decoding and per-tile latent methods on the tiny test model. */
class SdPartsTilingTest {
    private static Path model() {
        return Path.of(System.getProperty("atelier.shared", "../../../shared")).resolve("models/tiny-sd");
    }

    private static FloatImage smooth(int w, int h) {
        float[] d = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[(c * h + y) * w + x] = (float) (0.5 + 0.4 * Math.sin(0.05 * x + 0.9 * c) * Math.cos(0.07 * y));
                }
            }
        }
        return new FloatImage(w, h, 3, d);
    }

    @Test
    void aSmallImageIsOneTileAndTheTiledCallsAreThePlainOnes() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); SdParts sd = SdParts.load(model(), m)) {
            FloatImage img = smooth(48, 40);
            int tile = sd.latentTile(0);
            assertEquals(32, tile, "tiny-sd's unet sample_size");
            TileGrid grid = sd.latentGrid(img.width(), img.height(), tile);
            assertFalse(grid.isSplit());
            NDArray plain = sd.encodeImage(img, "content", m);
            NDArray tiled = sd.encodeImage(img, "content", m, grid, (i, n) -> { });
            assertEquals(plain.getShape(), tiled.getShape());
            assertTrue(plain.allClose(tiled));
            assertEquals(sd.decode(plain, 48, 40), sd.decode(tiled, 48, 40, grid, (i, n) -> { }));
        }
    }

    @Test
    void aLargeImageIsEncodedAndDecodedTileByTile() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); SdParts sd = SdParts.load(model(), m)) {
            FloatImage img = smooth(150, 90);
            TileGrid grid = sd.latentGrid(img.width(), img.height(), sd.latentTile(0));
            assertTrue(grid.isSplit());
            List<String> seen = new ArrayList<>();
            NDArray whole = sd.encodeImage(img, "content", m);
            NDArray tiled = sd.encodeImage(img, "content", m, grid, (i, n) -> seen.add(i + "/" + n));
            assertEquals(grid.tiles().size(), seen.size());
            assertEquals(whole.getShape(), tiled.getShape());
            // group norm and the mid-block attention see one tile, so values differ a little from the whole pass
            double scale = whole.abs().max().getFloat();
            double mean = tiled.sub(whole).abs().mean().getFloat();
            assertTrue(mean < 0.1 * scale, "tiled encoding is close to the whole one: " + mean + " vs " + scale);
            FloatImage out = sd.decode(tiled, 150, 90, grid, (i, n) -> { });
            assertEquals(150, out.width());
            assertEquals(90, out.height());
            FloatImage ref = sd.decode(tiled, 150, 90);
            float[] a = out.data();
            float[] b = ref.data();
            double d = 0;
            for (int i = 0; i < a.length; i++) {
                d += Math.abs(a[i] - b[i]);
            }
            assertTrue(d / a.length < 0.1, "tiled decoding is close to the whole one: " + d / a.length);
        }
    }

    @Test
    void perTileIdentityGivesTheLatentBack() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.randomNormal(new ai.djl.ndarray.types.Shape(1, 4, 40, 72));
            TileGrid grid = LatentTiles.grid(72, 40, 16, 4);
            assertTrue(grid.isSplit());
            List<String> phases = new ArrayList<>();
            RunControl control = new RunControl() {
                @Override
                public void progress(String phase, int done, int total) {
                    phases.add(phase);
                }
            };
            NDArray back = LatentTiles.map(z, grid, (tile, i, scope, c) -> {
                c.progress("work", 1, 1);
                return tile.mul(1f);
            }, m, control);
            assertTrue(z.allClose(back, 1e-5, 1e-6, false));
            assertEquals(grid.tiles().size(), phases.size());
            assertEquals("tile 1/" + grid.tiles().size() + ": work", phases.get(0));
        }
    }
}
