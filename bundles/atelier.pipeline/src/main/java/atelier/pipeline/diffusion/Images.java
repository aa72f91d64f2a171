package atelier.pipeline.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.api.FloatImage;

/** FloatImage ↔ NDArray conversions and a bilinear resize for the inversion-based strategies. */
public final class Images {
    private Images() { }

    /** {@code [1, 3, H, W]} in [−1, 1] (grey images are replicated). */
    public static NDArray toTensor(FloatImage image, NDManager m) {
        FloatImage rgb = image.toRgb();
        return m.create(rgb.data(), new Shape(1, 3, rgb.height(), rgb.width())).muli(2f).subi(1f);
    }

    /** From {@code [1, 3, H, W]} in [−1, 1] to a [0, 1] image, clamped. */
    public static FloatImage fromTensor(NDArray x) {
        Shape s = x.getShape();
        float[] d = x.add(1f).divi(2f).clip(0f, 1f).toFloatArray();
        return new FloatImage((int) s.get(3), (int) s.get(2), (int) s.get(1), d);
    }

    /** Bilinear resize (pixel centres aligned), every channel. */
    public static FloatImage resize(FloatImage src, int width, int height) {
        if (src.width() == width && src.height() == height) {
            return src;
        }
        float[] in = src.data();
        float[] out = new float[width * height * src.channels()];
        float sx = (float) src.width() / width;
        float sy = (float) src.height() / height;
        for (int c = 0; c < src.channels(); c++) {
            int base = c * src.width() * src.height();
            for (int y = 0; y < height; y++) {
                float fy = Math.max(0f, (y + 0.5f) * sy - 0.5f);
                int y0 = Math.min((int) fy, src.height() - 1);
                int y1 = Math.min(y0 + 1, src.height() - 1);
                float wy = fy - y0;
                for (int x = 0; x < width; x++) {
                    float fx = Math.max(0f, (x + 0.5f) * sx - 0.5f);
                    int x0 = Math.min((int) fx, src.width() - 1);
                    int x1 = Math.min(x0 + 1, src.width() - 1);
                    float wx = fx - x0;
                    float top = in[base + y0 * src.width() + x0] * (1 - wx) + in[base + y0 * src.width() + x1] * wx;
                    float bot = in[base + y1 * src.width() + x0] * (1 - wx) + in[base + y1 * src.width() + x1] * wx;
                    out[(c * height + y) * width + x] = top * (1 - wy) + bot * wy;
                }
            }
        }
        return new FloatImage(width, height, src.channels(), out);
    }
}
