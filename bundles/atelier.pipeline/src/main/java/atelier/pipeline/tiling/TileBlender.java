package atelier.pipeline.tiling;

/**
 * The weighted mean of per-tile results over a {@link TileGrid}: planar {@code channels × height × width} float
 * arrays in Java memory (a 4096² RGB plane needs 256 MB with its weights), so no native tensor is ever the size of
 * the whole plane at full resolution while tiles are processed.
 */
public final class TileBlender {
    private final TileGrid grid;
    private final int channels;
    private final float[] sum;
    private final float[] weight;
    private boolean done;

    public TileBlender(TileGrid grid, int channels) {
        this.grid = grid;
        this.channels = channels;
        long n = (long) grid.width() * grid.height();
        if (n * channels > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("plane " + grid.width() + "×" + grid.height() + "×" + channels
                    + " is too large for one Java array");
        }
        this.sum = new float[(int) (n * channels)];
        this.weight = new float[(int) n];
    }

    /** Adds a tile's result: planar {@code channels × t.h × t.w}. */
    public void add(TileGrid.Tile t, float[] data) {
        if (done) {
            throw new IllegalStateException("the blend was already taken");
        }
        int plane = t.w() * t.h();
        if (data.length != channels * plane) {
            throw new IllegalArgumentException("tile result has " + data.length + " values, expected " + channels
                    + "×" + t.h() + "×" + t.w());
        }
        int width = grid.width();
        int full = width * grid.height();
        for (int y = 0; y < t.h(); y++) {
            for (int x = 0; x < t.w(); x++) {
                float w = grid.weight(t, x, y);
                int o = (t.y() + y) * width + t.x() + x;
                weight[o] += w;
                for (int c = 0; c < channels; c++) {
                    sum[c * full + o] += w * data[c * plane + y * t.w() + x];
                }
            }
        }
    }

    public int channels() { return channels; }

    /**
     * The blended plane, planar {@code channels × height × width}. Divides in place (no second full-size array), so
     * it can be called once; adding afterwards is an error.
     */
    public float[] result() {
        if (done) {
            throw new IllegalStateException("result() was already taken");
        }
        int full = grid.width() * grid.height();
        for (int i = 0; i < full; i++) {
            if (weight[i] <= 0f) {
                throw new IllegalStateException("position " + (i % grid.width()) + "," + (i / grid.width())
                        + " is covered by no tile that was added");
            }
        }
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < full; i++) {
                sum[c * full + i] /= weight[i];
            }
        }
        done = true;
        return sum;
    }
}
