package atelier.pipeline.tiling;

import java.util.ArrayList;
import java.util.List;

/**
 * Overlapping tiles of one size covering a {@code width × height} plane. Every tile has the same size (the tile
 * side, or the plane's side where the plane is smaller), so per-tile work that depends on the size (a style
 * inversion) is done once. Neighbours share at least {@link #overlap()} positions; the last tile in a row or column
 * ends at the border. Tile sides and starts are multiples of {@code align} (a latent's downsampling factor).
 * In the shared bands a tile's {@link #weight weight} falls linearly towards its inner edges (never at the plane's
 * border), so a weighted mean of tile results shows no seams.
 */
public final class TileGrid {
    /**
     * One tile.
     *
     * @param x left
     * @param y top
     * @param w width
     * @param h height
     */
    public record Tile(int x, int y, int w, int h) { }

    private final int width;
    private final int height;
    private final int overlap;
    private final List<Tile> tiles;

    private TileGrid(int width, int height, int overlap, List<Tile> tiles) {
        this.width = width;
        this.height = height;
        this.overlap = overlap;
        this.tiles = List.copyOf(tiles);
    }

    /**
     * The grid for a plane.
     *
     * @param tile    the largest tile side
     * @param overlap positions neighbours share (at least; rounded up to {@code align}), below {@code tile}
     * @param align   tile sides and starts are multiples of this (1 for none); the plane's sides must be too
     * @throws IllegalArgumentException for sizes that do not fit these rules
     */
    public static TileGrid of(int width, int height, int tile, int overlap, int align) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("plane size must be positive, got " + width + "×" + height);
        }
        if (align <= 0 || width % align != 0 || height % align != 0) {
            throw new IllegalArgumentException("plane " + width + "×" + height + " is not a multiple of " + align);
        }
        int side = tile / align * align;
        int shared = (overlap + align - 1) / align * align;
        if (side <= 0 || shared < 0 || shared >= side) {
            throw new IllegalArgumentException("tile " + tile + " with overlap " + overlap + " (aligned to " + align
                    + ") leaves no stride");
        }
        int[] xs = starts(width, side, shared, align);
        int[] ys = starts(height, side, shared, align);
        List<Tile> list = new ArrayList<>();
        for (int y : ys) {
            for (int x : xs) {
                list.add(new Tile(x, y, Math.min(side, width), Math.min(side, height)));
            }
        }
        return new TileGrid(width, height, shared, list);
    }

    private static int[] starts(int size, int side, int overlap, int align) {
        if (size <= side) {
            return new int[] {0};
        }
        int stride = side - overlap;
        int count = (int) Math.ceil((size - side) / (double) stride) + 1;
        int[] s = new int[count];
        for (int i = 0; i < count; i++) {
            s[i] = Math.min(i * stride / align * align, size - side);
        }
        return s;
    }

    public int width() { return width; }

    public int height() { return height; }

    public int overlap() { return overlap; }

    public List<Tile> tiles() { return tiles; }

    /** Whether the plane is cut at all. */
    public boolean isSplit() { return tiles.size() > 1; }

    /** The common tile width. */
    public int tileWidth() { return tiles.get(0).w(); }

    /** The common tile height. */
    public int tileHeight() { return tiles.get(0).h(); }

    /** The same grid scaled by {@code factor} (latent positions to pixels, say). */
    public TileGrid scaled(int factor) {
        List<Tile> list = new ArrayList<>();
        for (Tile t : tiles) {
            list.add(new Tile(t.x() * factor, t.y() * factor, t.w() * factor, t.h() * factor));
        }
        return new TileGrid(width * factor, height * factor, overlap * factor, list);
    }

    /**
     * The same grid divided by {@code factor} (pixels to latent positions).
     *
     * @throws IllegalArgumentException when a side, start or the overlap is not a multiple of {@code factor}
     */
    public TileGrid divided(int factor) {
        if (width % factor != 0 || height % factor != 0 || overlap % factor != 0) {
            throw new IllegalArgumentException("grid " + width + "×" + height + " with overlap " + overlap
                    + " is not a multiple of " + factor);
        }
        List<Tile> list = new ArrayList<>();
        for (Tile t : tiles) {
            if (t.x() % factor != 0 || t.y() % factor != 0 || t.w() % factor != 0 || t.h() % factor != 0) {
                throw new IllegalArgumentException("tile " + t + " is not a multiple of " + factor);
            }
            list.add(new Tile(t.x() / factor, t.y() / factor, t.w() / factor, t.h() / factor));
        }
        return new TileGrid(width / factor, height / factor, overlap / factor, list);
    }

    /** Blending weight of position ({@code x}, {@code y}) inside tile {@code t} (tile coordinates), in (0, 1]. */
    public float weight(Tile t, int x, int y) {
        return ramp(t.x(), t.w(), width, x) * ramp(t.y(), t.h(), height, y);
    }

    private float ramp(int start, int len, int size, int i) {
        float w = 1f;
        if (overlap > 0) {
            if (start > 0) {
                w = Math.min(w, (i + 0.5f) / overlap);
            }
            if (start + len < size) {
                w = Math.min(w, (len - i - 0.5f) / overlap);
            }
        }
        return Math.max(w, 1e-4f);
    }
}
