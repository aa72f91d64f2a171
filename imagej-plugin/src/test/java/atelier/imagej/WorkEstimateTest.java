package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;

import org.junit.jupiter.api.Test;

import atelier.imagej.pixels.Tiles;

/** What the estimate counts for pixel tiles and for strategies that tile images themselves. */
class WorkEstimateTest {
    private static final Rectangle BIG = new Rectangle(0, 0, 4096, 4096);

    @Test
    void pixelTilesCountEveryTileAndTheNativeFigureIsForTheLargest() {
        Tiles tiles = Tiles.of(4096, 4096, 1024);
        WorkEstimate e = WorkEstimate.of("noise-blend", 2, tiles, BIG, false);
        assertFalse(e.byStrategy());
        assertEquals(tiles.tiles().size(), e.tilesPerPlane());
        long px = tiles.tiles().stream().mapToLong(t -> (long) t.w() * t.h()).sum();
        assertEquals(2 * px / 1e6, e.megapixels(), 1e-9);
        assertEquals(1024L * 1024 * WorkEstimate.NATIVE_BYTES_PER_PIXEL, e.nativeBytes());
        assertTrue(e.describe().contains("× " + tiles.tiles().size() + " tile(s)"), e.describe());
    }

    @Test
    void latentStatsTilingItselfCountsInternalTilesOf512Pixels() {
        WorkEstimate e = WorkEstimate.tiledByStrategy("latent-stats", 3, BIG, true);
        Tiles assumed = Tiles.of(4096, 4096, 512);
        assertTrue(e.byStrategy());
        assertEquals(assumed.tiles().size(), e.tilesPerPlane());
        long px = assumed.tiles().stream().mapToLong(t -> (long) t.w() * t.h()).sum();
        assertTrue(px > 4096L * 4096, "overlaps counted");
        assertEquals(3 * px / 1e6, e.megapixels(), 1e-9);
        assertEquals(512L * 512 * WorkEstimate.NATIVE_BYTES_PER_PIXEL, e.nativeBytes(), "per internal tile");
        assertTrue(e.describe().contains("tiled by the strategy"), e.describe());
        assertTrue(e.describe().contains("per internal tile of at most 512 px"), e.describe());
    }

    @Test
    void aDiffusionStrategyTilingItselfCountsTheRegionOnce() {
        WorkEstimate e = WorkEstimate.tiledByStrategy("styleid", 1, BIG, true);
        assertEquals(1, e.tilesPerPlane());
        assertEquals(4096.0 * 4096 / 1e6, e.megapixels(), 1e-9);
        assertEquals(512L * 512 * WorkEstimate.NATIVE_BYTES_PER_PIXEL, e.nativeBytes());
        assertEquals(e.megapixels() * WorkEstimate.rate("styleid"), e.seconds(), 1e-9);
    }

    @Test
    void aSmallRegionTilingItselfIsOneTileOfItsOwnSize() {
        WorkEstimate e = WorkEstimate.tiledByStrategy("latent-stats", 1, new Rectangle(10, 10, 300, 200), false);
        assertEquals(1, e.tilesPerPlane());
        assertEquals(0.06, e.megapixels(), 1e-9);
        assertEquals(300L * 200 * WorkEstimate.NATIVE_BYTES_PER_PIXEL, e.nativeBytes());
    }
}
