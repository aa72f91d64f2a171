package atelier.strategy.latentstats.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.FloatImage;
import atelier.pipeline.tiling.TileGrid;

/**
 * The content's pixels under one output tile as an RGB array {@code [1, 3, h, w]}, built from the image's Java
 * array, so a per-pixel step such as {@code keep_colors} never needs the whole image as a native tensor. A tile may
 * reach into the padding below and right of the image: those pixels repeat the last row or column. They are cropped
 * away with the result, and blending is per pixel, so their value never reaches a kept pixel.
 */
final class ContentTile {
    private ContentTile() { }

    static NDArray of(FloatImage content, TileGrid.Tile t, NDManager manager) {
        int w = t.w();
        int h = t.h();
        int lastX = content.width() - 1;
        int lastY = content.height() - 1;
        float[] d = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            int src = content.channels() == 1 ? 0 : c;
            for (int y = 0; y < h; y++) {
                int sy = Math.min(t.y() + y, lastY);
                int row = (c * h + y) * w;
                for (int x = 0; x < w; x++) {
                    d[row + x] = content.get(src, sy, Math.min(t.x() + x, lastX));
                }
            }
        }
        return manager.create(d, new Shape(1, 3, h, w));
    }
}
