package atelier.imagej;

import atelier.api.FloatImage;
import atelier.imagej.pixels.IntensityMap;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

/**
 * Converts between ImageJ planes and the API's {@link FloatImage} in [0, 1]. Only the current plane is read and
 * the input is never modified.
 * <ul>
 * <li>RGB: three channels, each value / 255.</li>
 * <li>8-bit with a colour table (indexed colour): converted to RGB first.</li>
 * <li>8-bit, 16-bit and 32-bit grey: one channel through an {@link IntensityMap} (display range or percentiles),
 * clipped to [0, 1]; an inverting LUT is honoured. NaN becomes 0.</li>
 * </ul>
 * {@link #toProcessor} maps a result back through the same map and type; grey content stays grey unless colour
 * is asked for.
 */
public final class ImageConversion {

    private ImageConversion() { }

    /** The current plane of {@code imp} as a float image, grey mapped by its display range. */
    public static FloatImage toFloatImage(ImagePlus imp) {
        ImageProcessor ip = imp.getProcessor();
        if (ip == null) {
            throw new IllegalArgumentException("image '" + imp.getTitle() + "' has no pixels");
        }
        return toFloatImage(ip, IntensityMap.display(ip), imp.getType() == ImagePlus.COLOR_256);
    }

    /**
     * One plane as a float image: RGB as three channels / 255; indexed colour ({@code indexedColour}) through its
     * colour table as RGB; grey as one channel through {@code map}.
     */
    public static FloatImage toFloatImage(ImageProcessor ip, IntensityMap map, boolean indexedColour) {
        if (ip instanceof ColorProcessor) {
            return fromRgb((ColorProcessor) ip);
        }
        if (indexedColour) {
            return fromRgb((ColorProcessor) ip.convertToRGB());
        }
        return fromGrey(ip, map);
    }

    static FloatImage fromRgb(ColorProcessor cp) {
        int w = cp.getWidth();
        int h = cp.getHeight();
        int n = w * h;
        int[] px = (int[]) cp.getPixels();
        float[] data = new float[3 * n];
        for (int i = 0; i < n; i++) {
            int p = px[i];
            data[i] = ((p >> 16) & 0xff) / 255f;
            data[n + i] = ((p >> 8) & 0xff) / 255f;
            data[2 * n + i] = (p & 0xff) / 255f;
        }
        return new FloatImage(w, h, 3, data);
    }

    static FloatImage fromGrey(ImageProcessor ip) {
        return fromGrey(ip, IntensityMap.display(ip));
    }

    static FloatImage fromGrey(ImageProcessor ip, IntensityMap map) {
        int n = ip.getPixelCount();
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = map.toUnit(ip.getf(i));
        }
        return new FloatImage(ip.getWidth(), ip.getHeight(), 1, data);
    }

    /**
     * A new processor holding {@code image}: RGB for three channels; for one channel the content's grey type,
     * display range and LUT (8-bit grey if the content was colour).
     *
     * @param content the content image, for type, display range and LUT; never modified
     */
    public static ImageProcessor toProcessor(FloatImage image, ImagePlus content) {
        ImageProcessor like = content == null ? null : content.getProcessor();
        boolean greyContent = like != null && content.getType() != ImagePlus.COLOR_RGB
                && content.getType() != ImagePlus.COLOR_256;
        if (image.channels() == 3 || !greyContent) {
            return toProcessor(image, null, null, true);
        }
        return toProcessor(image, like, IntensityMap.display(like), true);
    }

    /**
     * A new processor holding a result plane.
     * <ul>
     * <li>Colour content ({@code like} null or RGB), or {@code color} asked for: three channels become RGB, one
     * channel becomes 8-bit grey.</li>
     * <li>Grey content without {@code color}: a three-channel result is reduced to its luminance (Rec. 601), and
     * the plane gets {@code like}'s type, back through {@code map} into the content's range, with {@code like}'s
     * display range and LUT.</li>
     * </ul>
     */
    public static ImageProcessor toProcessor(FloatImage image, ImageProcessor like, IntensityMap map,
            boolean color) {
        int w = image.width();
        int h = image.height();
        int n = w * h;
        boolean greyContent = like != null && !(like instanceof ColorProcessor) && map != null;
        float[] data = image.data();
        if (image.channels() == 3 && (color || !greyContent)) {
            int[] px = new int[n];
            for (int i = 0; i < n; i++) {
                px[i] = 0xff000000 | (to8bit(data[i]) << 16) | (to8bit(data[n + i]) << 8) | to8bit(data[2 * n + i]);
            }
            return new ColorProcessor(w, h, px);
        }
        float[] grey = image.channels() == 3 ? luminance(data, n) : data;
        if (!greyContent) {
            byte[] px = new byte[n];
            for (int i = 0; i < n; i++) {
                px[i] = (byte) to8bit(grey[i]);
            }
            return new ByteProcessor(w, h, px);
        }
        ImageProcessor out = like.createProcessor(w, h);
        boolean integer = out instanceof ByteProcessor || out instanceof ShortProcessor;
        double top = out instanceof ByteProcessor ? 255 : 65535;
        for (int i = 0; i < n; i++) {
            double v = map.fromUnit(grey[i]);
            if (integer) {
                v = Math.min(top, Math.max(0, Math.rint(v)));
            }
            out.setf(i, (float) v);
        }
        double min = like.getMin();
        double max = like.getMax();
        if (!(out instanceof FloatProcessor) || max > min) {
            out.setMinAndMax(min, max);
        }
        return out;
    }

    /** Rec. 601 luma of planar RGB. */
    static float[] luminance(float[] rgb, int n) {
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = 0.299f * rgb[i] + 0.587f * rgb[n + i] + 0.114f * rgb[2 * n + i];
        }
        return y;
    }

    private static int to8bit(float v) {
        if (Float.isNaN(v)) {
            return 0;
        }
        return Math.round(Math.min(1f, Math.max(0f, v)) * 255f);
    }
}
