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
 *
 * @param strategyId    the strategy
 * @param planes        planes to stylise
 * @param tilesPerPlane tiles per plane
 * @param megapixels    pixels sent to the network in all (tiles overlap), in millions
 * @param seconds       expected wall time
 * @param heapBytes     expected Java heap use
 * @param nativeBytes   expected native memory for one tile
 */
public record WorkEstimate(String strategyId, int planes, int tilesPerPlane, double megapixels, double seconds,
        long heapBytes, long nativeBytes) {
    /** Runs expected to take longer than this many seconds are confirmed first (interactive only). */
    public static final double LONG_SECONDS = 60;
    static final double AUTOENCODER_RATE = 12;
    static final double DIFFUSION_RATE = 600;
    static final int NATIVE_BYTES_PER_PIXEL = 8000; // LargeImageBenchmark: peak RSS 9.9 GB, 1024 px tiles, TAESD
    private static final String RATE_KEY = "atelier.rate.";

    static WorkEstimate of(String strategyId, int planes, Tiles tiles, Rectangle region, boolean colour) {
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
        return new WorkEstimate(strategyId, planes, tiles.tiles().size(), mp, seconds, heap, nativeBytes);
    }

    /** Seconds per megapixel for a strategy: learnt, else the default. */
    static double rate(String strategyId) {
        double fallback = "latent-stats".equals(strategyId) ? AUTOENCODER_RATE : DIFFUSION_RATE;
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
        return String.format(Locale.ROOT, "%s on %d plane(s) × %d tile(s), %.1f megapixels: about %s, "
                + "about %s of Java memory (%s available) and %s of native memory per tile.",
                strategyId, planes, tilesPerPlane, megapixels, ImageJProgress.duration(Math.round(seconds)),
                bytes(heapBytes), bytes(IJ.maxMemory()), bytes(nativeBytes));
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
