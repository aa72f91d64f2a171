package atelier.imagej.pixels;

import java.util.Arrays;
import java.util.List;

import ij.process.ImageProcessor;

/**
 * A linear map between grey values and [0, 1]: {@code f = (v - low) / (high - low)}, clipped; an inverting LUT
 * flips it. The way back, {@link #fromUnit}, lands in the same range, so a result's intensities are comparable
 * with the content's.
 *
 * @param low      grey value that maps to 0
 * @param high     grey value that maps to 1
 * @param inverted whether the LUT is inverting (then 0 is white)
 */
public record IntensityMap(double low, double high, boolean inverted) {

    /** The display range of {@code ip}. */
    public static IntensityMap display(ImageProcessor ip) {
        return new IntensityMap(ip.getMin(), ip.getMax(), ip.isInvertedLut());
    }

    /**
     * The {@link IntensityRange#LOW_PERCENTILE} and {@link IntensityRange#HIGH_PERCENTILE} percentiles over all
     * of {@code planes} together (one channel of a stack), from at most about a million sampled values. NaN and
     * infinite values are skipped. Falls back to the display range of the first plane when the planes are flat.
     */
    public static IntensityMap percentiles(List<ImageProcessor> planes) {
        long total = 0;
        for (ImageProcessor ip : planes) {
            total += (long) ip.getPixelCount();
        }
        int stride = (int) Math.max(1, total / 1_000_000);
        float[] sample = new float[(int) Math.min(total, 1_000_000L + planes.size() * 2L)];
        int n = 0;
        long index = 0;
        for (ImageProcessor ip : planes) {
            int count = ip.getPixelCount();
            for (int i = 0; i < count; i++, index++) {
                if (index % stride != 0 || n >= sample.length) {
                    continue;
                }
                float v = ip.getf(i);
                if (Float.isFinite(v)) {
                    sample[n++] = v;
                }
            }
        }
        ImageProcessor first = planes.get(0);
        if (n == 0) {
            return display(first);
        }
        Arrays.sort(sample, 0, n);
        double low = sample[rank(IntensityRange.LOW_PERCENTILE, n)];
        double high = sample[rank(IntensityRange.HIGH_PERCENTILE, n)];
        if (!(high > low)) {
            return display(first);
        }
        return new IntensityMap(low, high, first.isInvertedLut());
    }

    private static int rank(double percentile, int n) {
        return (int) Math.min(n - 1, Math.max(0, Math.round(percentile / 100.0 * (n - 1))));
    }

    /** Grey value to [0, 1]; NaN becomes 0. */
    public float toUnit(double v) {
        double f;
        double span = high - low;
        if (Double.isNaN(v)) {
            f = 0;
        } else if (span > 0) {
            f = Math.min(1, Math.max(0, (v - low) / span));
        } else {
            f = v >= high ? 1 : 0;
        }
        return (float) (inverted ? 1 - f : f);
    }

    /** [0, 1] back to a grey value in [low, high]. */
    public double fromUnit(double f) {
        double c = Math.min(1, Math.max(0, f));
        if (inverted) {
            c = 1 - c;
        }
        return low + c * (high - low);
    }
}
