package atelier.imagej.pixels;

import java.awt.Rectangle;

import ij.gui.Roi;
import ij.plugin.filter.EDM;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/**
 * Puts a stylised region back into a plane, inside a selection only, with a soft edge: the weight of the result
 * is {@code min(1, d / feather)}, {@code d} being a pixel's distance to the outside of the selection, so it is 0
 * outside, rises over {@code feather} pixels inside the edge and is 1 further in. Works for every area selection
 * (rectangle, oval, polygon, freehand, traced, composite); a line selection is widened to its area first.
 */
public final class SelectionBlend {

    private SelectionBlend() { }

    /**
     * The area a selection covers, for blending.
     *
     * @throws IllegalArgumentException for a point selection, which has no area, saying what to do
     */
    public static Roi areaOf(Roi roi) {
        if (roi.getType() == Roi.POINT) {
            throw new IllegalArgumentException("a point selection has no area to stylise: make an area selection "
                    + "(rectangle, oval, freehand…) or remove it (Edit › Selection › Select None)");
        }
        if (roi.isLine()) {
            Roi area = Roi.convertLineToArea(roi);
            if (area == null) {
                throw new IllegalArgumentException("the line selection could not be turned into an area: use an "
                        + "area selection or remove it");
            }
            return area;
        }
        return roi;
    }

    /**
     * The region of the plane to stylise for {@code roi}: its bounds grown by {@code margin} pixels (context for
     * the network), clipped to the plane.
     */
    public static Rectangle region(Roi roi, int margin, int width, int height) {
        Rectangle b = roi.getBounds();
        Rectangle r = new Rectangle(b.x - margin, b.y - margin, b.width + 2 * margin, b.height + 2 * margin);
        Rectangle out = r.intersection(new Rectangle(0, 0, width, height));
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the selection lies outside the image: remove it or make a new one");
        }
        return out;
    }

    /**
     * Weights in [0, 1] over {@code region}: 1 well inside the selection, 0 outside, a ramp of {@code feather}
     * pixels along the inner edge.
     */
    public static float[] weights(Roi roi, Rectangle region, int feather) {
        ByteProcessor inside = new ByteProcessor(region.width, region.height);
        Rectangle b = roi.getBounds();
        ImageProcessor mask = roi.getMask();
        for (int y = 0; y < b.height; y++) {
            int ry = b.y + y - region.y;
            if (ry < 0 || ry >= region.height) {
                continue;
            }
            for (int x = 0; x < b.width; x++) {
                int rx = b.x + x - region.x;
                if (rx < 0 || rx >= region.width) {
                    continue;
                }
                if (mask == null || mask.get(x, y) != 0) {
                    inside.set(rx, ry, 255);
                }
            }
        }
        int n = region.width * region.height;
        float[] w = new float[n];
        byte[] in = (byte[]) inside.getPixels();
        if (feather <= 0) {
            for (int i = 0; i < n; i++) {
                w[i] = in[i] != 0 ? 1f : 0f;
            }
            return w;
        }
        FloatProcessor distance = new EDM().makeFloatEDM(inside, 0, false);
        for (int i = 0; i < n; i++) {
            w[i] = in[i] == 0 ? 0f : Math.min(1f, distance.getf(i) / feather);
        }
        return w;
    }

    /**
     * Blends {@code stylised} (the size of {@code region}) into {@code base} (a full plane of the same type,
     * modified in place) with {@code weights} from {@link #weights}.
     */
    public static void blendInto(ImageProcessor base, ImageProcessor stylised, Rectangle region, float[] weights) {
        boolean rgb = base instanceof ColorProcessor;
        if (rgb != (stylised instanceof ColorProcessor)) {
            throw new IllegalArgumentException("base and stylised region differ in type");
        }
        boolean integer = !rgb && !(base instanceof FloatProcessor);
        double top = base.getBitDepth() == 8 ? 255 : 65535;
        for (int y = 0; y < region.height; y++) {
            for (int x = 0; x < region.width; x++) {
                float w = weights[y * region.width + x];
                if (w <= 0f) {
                    continue;
                }
                int bx = region.x + x;
                int by = region.y + y;
                if (rgb) {
                    int a = base.get(bx, by);
                    int s = stylised.get(x, y);
                    int r = mix((a >> 16) & 0xff, (s >> 16) & 0xff, w);
                    int g = mix((a >> 8) & 0xff, (s >> 8) & 0xff, w);
                    int bl = mix(a & 0xff, s & 0xff, w);
                    base.set(bx, by, 0xff000000 | (r << 16) | (g << 8) | bl);
                } else {
                    double v = (1 - w) * base.getf(bx, by) + w * stylised.getf(x, y);
                    if (integer) {
                        v = Math.min(top, Math.max(0, Math.rint(v)));
                    }
                    base.setf(bx, by, (float) v);
                }
            }
        }
    }

    private static int mix(int a, int b, float w) {
        return Math.min(255, Math.max(0, Math.round((1 - w) * a + w * b)));
    }
}
