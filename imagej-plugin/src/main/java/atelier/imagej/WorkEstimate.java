package atelier.imagej;

import java.awt.Rectangle;
import java.util.Locale;

import atelier.imagej.pixels.Tiles;
import ij.IJ;
import ij.Prefs;

/**
 * A rough forecast of a run, shown before long work so the user can decline it: seconds from a rate in seconds
 * per megapixel per strategy (learnt from this user's earlier runs and kept in ImageJ's preferences; until then a
 * conservative default: {@value #AUTOENCODER_RATE} s/MP for {@code latent-stats}, {@value #DIFFUSION_RATE} s/MP
 * for any other strategy); Java heap for the float copies of the processed region and the result planes; native
 * memory for the network's activations on one tile (about {@value #NATIVE_BYTES_PER_PIXEL} bytes a pixel).
 * <p>
 * What counts as the pixels of a run depends on who tiles:
 * <ul>
 * <li>pixel tiles cut by the plugin ({@link #of}): every tile's pixels, overlaps included, since each is sent to
 * the network; the native figure is for the largest tile;</li>
 * <li>a strategy that tiles itself ({@link #tiledByStrategy}) gets each plane's region whole, and the plugin cannot
 * see its internal grid. The estimate then counts {@code latent-stats} (an autoencoder strategy) as if cut into
 * tiles of {@value #STRATEGY_TILE} px with this plugin's overlap rule, and any other strategy (diffusion, whose
 * latent tiles overlap little next to the cost of the denoising steps) as the region's pixels once. The native
 * figure is for one internal tile of at most {@value #STRATEGY_TILE} × {@value #STRATEGY_TILE} px, not for the
 * region: that is what such a strategy holds in the network at a time. Both are assumptions about strategies the
 * plugin does not control; the learnt rate corrects the seconds after the first run.</li>
 * </ul>
 *
 * @param strategyId    the strategy
 * @param planes        planes to stylise
 * @param tilesPerPlane tiles per plane that the figures count (pixel tiles, or the assumed internal tiles)
 * @param byStrategy    whether the strategy tiles itself (each plane's region is sent whole)
 * @param megapixels    pixels the network is expected to process in all (tiles overlap), in millions
 * @param seconds       expected wall time
 * @param heapBytes     expected Java heap use
 * @param nativeBytes   expected native memory for one tile (an internal tile when the strategy tiles itself)
 */
public record WorkEstimate(String strategyId, int planes, int tilesPerPlane, boolean byStrategy, double megapixels,
        double seconds, long heapBytes, long nativeBytes) {
    /** Runs expected to take longer than this many seconds are confirmed first (interactive only). */
    public static final double LONG_SECONDS = 60;
    /** Tile side assumed for a strategy that tiles itself. */
    static final int STRATEGY_TILE = 512;
    static final double AUTOENCODER_RATE = 12;
    static final double DIFFUSION_RATE = 600;
    static final int NATIVE_BYTES_PER_PIXEL = 8000; // LargeImageBenchmark: 2.05 GB peak RSS with 512 px tiles (TAESD)
    private static final String RATE_KEY = "atelier.rate.";

    /** For pixel tiles cut by the plugin: each of {@code tiles} is one request per plane. */
    static WorkEstimate of(String strategyId, int planes, Tiles tiles, Rectangle region, boolean colour) {
        return counted(strategyId, planes, tiles, false, region, colour);
    }

    /** For a strategy that tiles itself: each plane's {@code region} is one request (see the class comment). */
    static WorkEstimate tiledByStrategy(String strategyId, int planes, Rectangle region, boolean colour) {
        Tiles assumed = isAutoencoder(strategyId) ? Tiles.of(region.width, region.height, STRATEGY_TILE)
                : Tiles.whole(region.width, region.height);
        WorkEstimate e = counted(strategyId, planes, assumed, true, region, colour);
        long internalTile = (long) Math.min(region.width, STRATEGY_TILE) * Math.min(region.height, STRATEGY_TILE);
        return new WorkEstimate(e.strategyId, e.planes, e.tilesPerPlane, true, e.megapixels, e.seconds,
                e.heapBytes, internalTile * NATIVE_BYTES_PER_PIXEL);
    }

    private static WorkEstimate counted(String strategyId, int planes, Tiles tiles, boolean byStrategy,
            Rectangle region, boolean colour) {
        long tilePixels = 0;
        long largestTile = 0;
        for (Tiles.Tile t : tiles.tiles()) {
            long px = (long) t.w() * t.h();
            tilePixels += px;
            largestTile = Math.max(largestTile, px);
        }
        double mp = planes * tilePixels / 1e6;
        double seconds = mp * rate(strategyId);
        long regionPx = (long) region.width * region.height;
        long heap = regionPx * (4L * 3 * 3 + 4) + (long) planes * regionPx * (colour ? 4 : 4);
        long nativeBytes = largestTile * NATIVE_BYTES_PER_PIXEL;
        return new WorkEstimate(strategyId, planes, tiles.tiles().size(), byStrategy, mp, seconds, heap,
                nativeBytes);
    }

    /** Whether the default rate and the assumed internal tiles are an autoencoder's ({@code latent-stats}). */
    private static boolean isAutoencoder(String strategyId) {
        return "latent-stats".equals(strategyId);
    }

    /** Seconds per megapixel for a strategy: learnt, else the default. */
    static double rate(String strategyId) {
        double fallback = isAutoencoder(strategyId) ? AUTOENCODER_RATE : DIFFUSION_RATE;
        double learnt = Prefs.get(RATE_KEY + strategyId, Double.NaN);
        return Double.isFinite(learnt) && learnt > 0 ? learnt : fallback;
    }

    /** Learns from a finished run (a mean that favours recent runs), so the next estimate is closer. */
    static void remember(String strategyId, double megapixels, double seconds) {
        if (megapixels < 0.05 || seconds <= 0) {
            return; // tiny runs are dominated by start-up, not by pixels
        }
        double measured = seconds / megapixels;
        double learnt = Prefs.get(RATE_KEY + strategyId, Double.NaN);
        double next = Double.isFinite(learnt) && learnt > 0 ? 0.5 * learnt + 0.5 * measured : measured;
        Prefs.set(RATE_KEY + strategyId, next);
    }

    /** Whether to ask before starting. */
    public boolean isLong() {
        return seconds > LONG_SECONDS || heapBytes > 0.6 * IJ.maxMemory();
    }

    /** One paragraph for the confirmation dialog or the log. */
    public String describe() {
        String work = byStrategy
                ? String.format(Locale.ROOT, "%s on %d plane(s), each sent whole and tiled by the strategy "
                        + "(counted as %d tile(s) per plane)", strategyId, planes, tilesPerPlane)
                : String.format(Locale.ROOT, "%s on %d plane(s) × %d tile(s)", strategyId, planes, tilesPerPlane);
        return String.format(Locale.ROOT, "%s, %.1f megapixels: about %s, about %s of Java memory (%s available) "
                + "and %s of native memory per %s.", work, megapixels,
                ImageJProgress.duration(Math.round(seconds)), bytes(heapBytes), bytes(IJ.maxMemory()),
                bytes(nativeBytes), byStrategy ? "internal tile of at most " + STRATEGY_TILE + " px" : "tile");
    }

    static String bytes(long b) {
        if (b <= 0) {
            return "?";
        }
        if (b < 1L << 20) {
            return (b >> 10) + " KB";
        }
        if (b < 1L << 30) {
            return (b >> 20) + " MB";
        }
        return String.format(Locale.ROOT, "%.1f GB", b / (double) (1L << 30));
    }
}
