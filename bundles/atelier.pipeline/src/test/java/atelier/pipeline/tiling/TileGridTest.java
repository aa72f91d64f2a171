package atelier.pipeline.tiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

class TileGridTest {

    @Test
    void coversThePlaneWithEqualTilesEndingAtTheBorder() {
        TileGrid g = TileGrid.of(200, 72, 64, 16, 8);
        assertTrue(g.isSplit());
        for (TileGrid.Tile t : g.tiles()) {
            assertEquals(64, t.w());
            assertEquals(64, t.h());
            assertEquals(0, t.x() % 8);
            assertEquals(0, t.y() % 8);
            assertTrue(t.x() + t.w() <= 200 && t.y() + t.h() <= 72, t.toString());
        }
        boolean[] covered = new boolean[200 * 72];
        for (TileGrid.Tile t : g.tiles()) {
            for (int y = t.y(); y < t.y() + t.h(); y++) {
                for (int x = t.x(); x < t.x() + t.w(); x++) {
                    covered[y * 200 + x] = true;
                }
            }
        }
        for (boolean c : covered) {
            assertTrue(c);
        }
    }

    @Test
    void aSmallPlaneIsOneTileOfItsOwnSize() {
        TileGrid g = TileGrid.of(40, 24, 64, 16, 8);
        assertFalse(g.isSplit());
        assertEquals(new TileGrid.Tile(0, 0, 40, 24), g.tiles().get(0));
        assertEquals(1f, g.weight(g.tiles().get(0), 0, 0));
    }

    @Test
    void badSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TileGrid.of(100, 64, 64, 16, 8));
        assertThrows(IllegalArgumentException.class, () -> TileGrid.of(64, 64, 64, 64, 8));
    }

    @Test
    void blendingAConstantGivesTheConstantAndTilesAreExact() {
        TileGrid g = TileGrid.of(150, 90, 48, 12, 1);
        TileBlender b = new TileBlender(g, 2);
        for (TileGrid.Tile t : g.tiles()) {
            float[] d = new float[2 * t.w() * t.h()];
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < t.h(); y++) {
                    for (int x = 0; x < t.w(); x++) {
                        d[(c * t.h() + y) * t.w() + x] = c * 1000 + (t.y() + y) * 0.5f + (t.x() + x);
                    }
                }
            }
            b.add(t, d);
        }
        float[] r = b.result();
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 90; y++) {
                for (int x = 0; x < 150; x++) {
                    assertEquals(c * 1000 + y * 0.5f + x, r[(c * 90 + y) * 150 + x], 1e-3);
                }
            }
        }
    }

    @Test
    void tiledCodecOfALocalOperationEqualsTheWholeOperation() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0f, 1f, new Shape(1, 3, 96, 160));
            TileGrid pixels = TileGrid.of(160, 96, 64, 16, 8);
            // a pointwise "encoder" that halves the side: average pooling 2×2 is local, so tiles agree exactly
            NDArray z = TiledCodec.encode(x, pixels, 2, a -> a.reshape(1, 3, a.getShape().get(2) / 2, 2,
                    a.getShape().get(3) / 2, 2).mean(new int[] {5}).mean(new int[] {3}), m, (i, n) -> { });
            NDArray whole = x.reshape(1, 3, 48, 2, 80, 2).mean(new int[] {5}).mean(new int[] {3});
            assertArrayEquals(whole.toFloatArray(), z.toFloatArray(), 1e-5f);
            TileGrid latent = TileGrid.of(80, 48, 32, 8, 1);
            NDArray back = TiledCodec.decode(z, latent, 2, a -> a.repeat(2, 2).repeat(3, 2), m, (i, n) -> { });
            assertArrayEquals(whole.repeat(2, 2).repeat(3, 2).toFloatArray(), back.toFloatArray(), 1e-5f);
            assertEquals(new Shape(1, 3, 96, 160), back.getShape());
        }
    }
}
