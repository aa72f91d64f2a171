package atelier.imagej.pixels;

import java.util.ArrayList;
import java.util.List;

import atelier.api.FloatImage;

/**
 * Cuts a large plane into overlapping tiles and puts the stylised tiles back together. Neighbouring tiles share
 * {@link #overlap} pixels; in the shared band each tile's weight falls linearly to zero towards its inner edge
 * (never at the image border), and the output is the weighted mean, so seams fade out instead of showing.
 */
public final class Tiles {
    /**
     * One tile in plane coordinates.
     *
     * @param x left
     * @param y top
     * @param w width
     * @param h height
     */
    public record Tile(int x, int y, int w, int h) { }

    private final int width;
    private final int height;
    private final int side;
    private final int overlap;
    private final List<Tile> tiles;

    private Tiles(int width, int height, int side, int overlap, List<Tile> tiles) {
        this.width = width;
        this.height = height;
        this.side = side;
        this.overlap = overlap;
        this.tiles = List.copyOf(tiles);
    }

    /** The whole {@code width × height} plane as one tile (for strategies that tile images themselves). */
    public static Tiles whole(int width, int height) {
        return of(width, height, Math.max(width, height));
    }

    /**
     * The tiles for a {@code width × height} plane with tiles of at most {@code tile} pixels a side. A plane that
     * fits is one tile. The overlap is an eighth of the tile side, at least 32 pixels.
     */
    public static Tiles of(int width, int height, int tile) {
        int overlap = Math.max(32, tile / 8);
        List<Tile> list = new ArrayList<>();
        int[] xs = starts(width, tile, overlap);
        int[] ys = starts(height, tile, overlap);
        for (int y : ys) {
            for (int x : xs) {
                list.add(new Tile(x, y, Math.min(tile, width - x), Math.min(tile, height - y)));
            }
        }
        return new Tiles(width, height, tile, overlap, list);
    }

    private static int[] starts(int size, int tile, int overlap) {
        if (size <= tile) {
            return new int[] {0};
        }
        int step = tile - overlap;
        int count = (int) Math.ceil((size - tile) / (double) step) + 1;
        int[] s = new int[count];
        for (int i = 0; i < count; i++) {
            s[i] = Math.min(i * step, size - tile); // the last tile ends at the border
        }
        return s;
    }

    public List<Tile> tiles() { return tiles; }

    public int overlap() { return overlap; }

    /** The largest tile side asked for. */
    public int side() { return side; }

    /** Whether the plane is cut at all. */
    public boolean isSplit() { return tiles.size() > 1; }

    /** The part of planar {@code data} ({@code channels × height × width}) under {@code t}. */
    public FloatImage crop(float[] data, int channels, Tile t) {
        float[] out = new float[channels * t.w() * t.h()];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < t.h(); y++) {
                System.arraycopy(data, (c * height + t.y() + y) * width + t.x(), out, (c * t.h() + y) * t.w(), t.w());
            }
        }
        return new FloatImage(t.w(), t.h(), channels, out);
    }

    /** Collects stylised tiles into one plane. */
    public Blender blender() {
        return new Blender();
    }

    /** Weighted sum of tile results; {@link #result()} divides by the summed weights. */
    public final class Blender {
        private float[] sum;
        private float[] weight;
        private int channels;

        private Blender() { }

        /** Adds the result for tile {@code t} (same size as the tile, 1 or 3 channels like the others). */
        public void add(Tile t, FloatImage result) {
            if (result.width() != t.w() || result.height() != t.h()) {
                throw new IllegalArgumentException("tile result is " + result.width() + "×" + result.height()
                        + ", expected " + t.w() + "×" + t.h());
            }
            if (sum == null) {
                channels = result.channels();
                sum = new float[channels * width * height];
                weight = new float[width * height];
            }
            FloatImage r = result.channels() == channels ? result : result.toRgb();
            if (r.channels() != channels) {
                throw new IllegalArgumentException("tiles returned different channel counts");
            }
            float[] data = r.data();
            int plane = t.w() * t.h();
            for (int y = 0; y < t.h(); y++) {
                float wy = ramp(t.y(), t.h(), height, y);
                for (int x = 0; x < t.w(); x++) {
                    float w = wy * ramp(t.x(), t.w(), width, x);
                    int o = (t.y() + y) * width + t.x() + x;
                    weight[o] += w;
                    for (int c = 0; c < channels; c++) {
                        sum[c * width * height + o] += w * data[c * plane + y * t.w() + x];
                    }
                }
            }
        }

        /** Weight of position {@code i} inside a tile starting at {@code start} of length {@code len}. */
        private float ramp(int start, int len, int size, int i) {
            float w = 1f;
            if (start > 0) {
                w = Math.min(w, (i + 0.5f) / overlap);
            }
            if (start + len < size) {
                w = Math.min(w, (len - i - 0.5f) / overlap);
            }
            return Math.max(w, 1e-4f);
        }

        /** The blended plane. */
        public FloatImage result() {
            if (sum == null) {
                throw new IllegalStateException("no tile was added");
            }
            int n = width * height;
            float[] out = new float[channels * n];
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < n; i++) {
                    out[c * n + i] = sum[c * n + i] / weight[i];
                }
            }
            return new FloatImage(width, height, channels, out);
        }
    }
}
