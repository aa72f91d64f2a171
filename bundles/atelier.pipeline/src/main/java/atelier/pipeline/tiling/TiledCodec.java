package atelier.pipeline.tiling;

import java.util.function.UnaryOperator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Runs an image encoder or a latent decoder tile by tile and blends the pieces ({@link TileBlender}), so the network
 * only ever sees one tile. Each tile works in a sub-manager that is closed before the next starts; only the blended
 * result is created in the caller's manager. With one tile this is a plain call.
 */
public final class TiledCodec {
    /** Called before every tile; throw to stop (cancellation). */
    @FunctionalInterface
    public interface TileListener {
        void tile(int index, int count) throws Exception;
    }

    private TiledCodec() { }

    /**
     * Encodes {@code x} {@code [1, C, H, W]} with an encoder that divides sides by {@code factor}.
     *
     * @param grid tiles in pixels; sides and starts multiples of {@code factor}
     */
    public static NDArray encode(NDArray x, TileGrid grid, int factor, UnaryOperator<NDArray> encoder, NDManager into,
            TileListener listener) throws Exception {
        check(x, grid, 1);
        return run(x, grid, grid.divided(factor), encoder, into, listener);
    }

    /**
     * Decodes {@code z} {@code [1, C, h, w]} with a decoder that multiplies sides by {@code factor}.
     *
     * @param grid tiles in latent positions
     */
    public static NDArray decode(NDArray z, TileGrid grid, int factor, UnaryOperator<NDArray> decoder, NDManager into,
            TileListener listener) throws Exception {
        check(z, grid, 1);
        return run(z, grid, grid.scaled(factor), decoder, into, listener);
    }

    private static NDArray run(NDArray in, TileGrid inGrid, TileGrid outGrid, UnaryOperator<NDArray> network,
            NDManager into, TileListener listener) throws Exception {
        int count = inGrid.tiles().size();
        if (count == 1) {
            listener.tile(0, 1);
            try (NDManager m = into.newSubManager()) {
                in.tempAttach(m); // intermediates land in m, not in the input's manager; in goes back on close
                NDArray out = network.apply(in);
                out.attach(into);
                return out;
            }
        }
        TileBlender blender = null;
        for (int i = 0; i < count; i++) {
            listener.tile(i, count);
            TileGrid.Tile t = inGrid.tiles().get(i);
            TileGrid.Tile o = outGrid.tiles().get(i);
            try (NDManager m = into.newSubManager()) {
                NDArray crop = in.get(new NDIndex(":, :, {}:{}, {}:{}", t.y(), t.y() + t.h(), t.x(), t.x() + t.w()));
                crop.attach(m);
                NDArray out = network.apply(crop);
                out.attach(m);
                Shape s = out.getShape();
                if (s.get(2) != o.h() || s.get(3) != o.w()) {
                    throw new IllegalStateException("tile " + t + " gave " + s + ", expected " + o.h() + "×" + o.w());
                }
                if (blender == null) {
                    blender = new TileBlender(outGrid, (int) s.get(1));
                }
                blender.add(o, out.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
            }
        }
        return into.create(blender.result(), new Shape(1, blender.channels(), outGrid.height(), outGrid.width()));
    }

    private static void check(NDArray x, TileGrid grid, int factor) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(0) != 1 || s.get(2) != (long) grid.height() * factor
                || s.get(3) != (long) grid.width() * factor) {
            throw new IllegalArgumentException("tensor " + s + " does not match a " + grid.width() + "×"
                    + grid.height() + " tile grid");
        }
    }
}
