package atelier.imagej;

import atelier.api.FloatImage;
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
 * <li>8-bit, 16-bit and 32-bit grey: one channel, mapped by the display range {@code (v - min) / (max - min)}
 * and clipped to [0, 1], so the network sees what the user sees; an inverting LUT is honoured. NaN becomes 0.</li>
 * </ul>
 * {@link #toProcessor} maps a one-channel result back through the same display range and type.
 */
public final class ImageConversion {

    private ImageConversion() { }

    /** The current plane of {@code imp} as a float image. */
    public static FloatImage toFloatImage(ImagePlus imp) {
        ImageProcessor ip = imp.getProcessor();
        if (ip == null) {
            throw new IllegalArgumentException("image '" + imp.getTitle() + "' has no pixels");
        }
        if (ip instanceof ColorProcessor) {
            return fromRgb((ColorProcessor) ip);
        }
        if (imp.getType() == ImagePlus.COLOR_256) {
            return fromRgb((ColorProcessor) ip.convertToRGB());
        }
        return fromGrey(ip);
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
        int w = ip.getWidth();
        int h = ip.getHeight();
        int n = w * h;
        double min = ip.getMin();
        double max = ip.getMax();
        double span = max - min;
        boolean inverted = ip.isInvertedLut();
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            double v = ip.getf(i);
            double f;
            if (Double.isNaN(v)) {
                f = 0;
            } else if (span > 0) {
                f = Math.min(1, Math.max(0, (v - min) / span));
            } else {
                f = v >= max ? 1 : 0;
            }
            data[i] = (float) (inverted ? 1 - f : f);
        }
        return new FloatImage(w, h, 1, data);
    }

    /**
     * A new processor holding {@code image}: RGB for three channels; for one channel the content's grey type,
     * display range and LUT (8-bit grey if the content was colour).
     *
     * @param content the content image, for type, display range and LUT; never modified
     */
    public static ImageProcessor toProcessor(FloatImage image, ImagePlus content) {
        int w = image.width();
        int h = image.height();
        int n = w * h;
        float[] data = image.data();
        if (image.channels() == 3) {
            int[] px = new int[n];
            for (int i = 0; i < n; i++) {
                px[i] = 0xff000000 | (to8bit(data[i]) << 16) | (to8bit(data[n + i]) << 8) | to8bit(data[2 * n + i]);
            }
            return new ColorProcessor(w, h, px);
        }
        ImageProcessor like = content == null ? null : content.getProcessor();
        boolean greyContent = like != null && content.getType() != ImagePlus.COLOR_RGB
                && content.getType() != ImagePlus.COLOR_256;
        if (!greyContent) {
            byte[] px = new byte[n];
            for (int i = 0; i < n; i++) {
                px[i] = (byte) to8bit(data[i]);
            }
            return new ByteProcessor(w, h, px);
        }
        double min = like.getMin();
        double max = like.getMax();
        boolean inverted = like.isInvertedLut();
        ImageProcessor out = like.createProcessor(w, h);
        boolean integer = out instanceof ByteProcessor || out instanceof ShortProcessor;
        double top = out instanceof ByteProcessor ? 255 : 65535;
        for (int i = 0; i < n; i++) {
            double f = Math.min(1, Math.max(0, data[i]));
            if (inverted) {
                f = 1 - f;
            }
            double v = min + f * (max - min);
            if (integer) {
                v = Math.min(top, Math.max(0, Math.rint(v)));
            }
            out.setf(i, (float) v);
        }
        if (!(out instanceof FloatProcessor) || max > min) {
            out.setMinAndMax(min, max);
        }
        return out;
    }

    private static int to8bit(float v) {
        if (Float.isNaN(v)) {
            return 0;
        }
        return Math.round(Math.min(1f, Math.max(0f, v)) * 255f);
    }
}
