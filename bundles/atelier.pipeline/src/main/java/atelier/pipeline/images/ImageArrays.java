package atelier.pipeline.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import atelier.api.FloatImage;

/** Converts between {@link FloatImage} (planar {@code [C,H,W]}) and {@code NDArray}s of shape {@code [1,C,H,W]}. */
public final class ImageArrays {
    private ImageArrays() { }

    /** {@code [1, C, H, W]} float32 in {@code manager}, C = the image's channel count. */
    public static NDArray toArray(FloatImage image, NDManager manager) {
        return manager.create(image.data(), new Shape(1, image.channels(), image.height(), image.width()));
    }

    /** {@code [1, 3, H, W]} float32; a grey image is replicated to three channels. */
    public static NDArray toRgbArray(FloatImage image, NDManager manager) {
        return toArray(image.toRgb(), manager);
    }

    /**
     * An image from {@code [1, C, H, W]} or {@code [C, H, W]} (C = 1 or 3), values clamped to [0, 1]; non-finite
     * values become 0.
     */
    public static FloatImage toImage(NDArray array) {
        Shape s = array.getShape();
        if (s.dimension() == 4 && s.get(0) != 1) {
            throw new IllegalArgumentException("expected a single image [1,C,H,W], got " + s);
        }
        if (s.dimension() != 3 && s.dimension() != 4) {
            throw new IllegalArgumentException("expected [1,C,H,W] or [C,H,W], got " + s);
        }
        int off = s.dimension() - 3;
        int c = (int) s.get(off);
        int h = (int) s.get(off + 1);
        int w = (int) s.get(off + 2);
        float[] data = array.toType(DataType.FLOAT32, false).toFloatArray();
        for (int i = 0; i < data.length; i++) {
            float v = data[i];
            data[i] = Float.isFinite(v) ? Math.min(1f, Math.max(0f, v)) : 0f;
        }
        return new FloatImage(w, h, c, data);
    }
}
