package atelier.pipeline.tiling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import atelier.pipeline.diffusion.RunControl;

/**
 * Runs a latent-to-latent method tile by tile over a {@link TileGrid} of latent positions and blends the results with
 * feathered weights in latent space (decoded once afterwards, so there are no per-tile colour shifts). Tiles are
 * independent runs of the method: each sees only its own tile, one at a time, in a sub-manager closed before the
 * next tile starts, so memory is that of one tile. Progress phases are prefixed with {@code tile k/N: } (the
 * convention of {@link atelier.api.ProgressListener}).
 */
public final class LatentTiles {
    /** The method on one tile. */
    @FunctionalInterface
    public interface TileMethod {
        /**
         * @param tile    the tile's latent {@code [1, C, h, w]}, in {@code scope}
         * @param index   the tile's index in the grid
         * @param scope   closed after the tile; the returned latent may live there
         * @param control progress (prefixed), cancellation and trace
         * @return the tile's result, same shape
         */
        NDArray apply(NDArray tile, int index, NDManager scope, RunControl control) throws Exception;
    }

    private LatentTiles() { }

    /**
     * The tiles for a latent of {@code width × height} positions.
     *
     * @param tile  tile side in latent positions (e.g. the UNet's sample size)
     * @param align the UNet's downsampling factor (sides and starts are multiples of it)
     */
    public static TileGrid grid(int width, int height, int tile, int align) {
        int side = Math.max(align, tile / align * align);
        int overlap = Math.max(align, side / 4 / align * align);
        if (overlap >= side) {
            overlap = 0;
        }
        return TileGrid.of(width, height, side, overlap, align);
    }

    /** Applies {@code method} to every tile of {@code z} and blends; the result is created in {@code into}. */
    public static NDArray map(NDArray z, TileGrid grid, TileMethod method, NDManager into, RunControl control)
            throws Exception {
        Shape s = z.getShape();
        if (s.dimension() != 4 || s.get(0) != 1 || s.get(2) != grid.height() || s.get(3) != grid.width()) {
            throw new IllegalArgumentException("latent " + s + " does not match a " + grid.width() + "×"
                    + grid.height() + " tile grid");
        }
        int count = grid.tiles().size();
        if (count == 1) {
            try (NDManager scope = into.newSubManager()) {
                NDArray out = method.apply(z, 0, scope, control);
                out.attach(into);
                return out;
            }
        }
        TileBlender blender = new TileBlender(grid, (int) s.get(1));
        for (int i = 0; i < count; i++) {
            control.checkCancelled();
            TileGrid.Tile t = grid.tiles().get(i);
            try (NDManager scope = into.newSubManager()) {
                NDArray tile = z.get(new NDIndex(":, :, {}:{}, {}:{}", t.y(), t.y() + t.h(), t.x(), t.x() + t.w()));
                tile.attach(scope);
                NDArray out = method.apply(tile, i, scope, prefixed(control, "tile " + (i + 1) + "/" + count + ": "));
                if (!out.getShape().equals(tile.getShape())) {
                    throw new IllegalStateException("tile " + (i + 1) + " came back as " + out.getShape()
                            + ", expected " + tile.getShape());
                }
                blender.add(t, out.toType(DataType.FLOAT32, false).toFloatArray());
            }
        }
        return into.create(blender.result(), s);
    }

    private static RunControl prefixed(RunControl control, String prefix) {
        return new RunControl() {
            @Override
            public void progress(String phase, int done, int total) {
                control.progress(prefix + phase, done, total);
            }

            @Override
            public void checkCancelled() throws Exception {
                control.checkCancelled();
            }

            @Override
            public void trace(String name, NDArray latent) {
                control.trace(prefix.replace("/", "of").replace(": ", ".").replace(' ', '.') + name, latent);
            }
        };
    }
}
