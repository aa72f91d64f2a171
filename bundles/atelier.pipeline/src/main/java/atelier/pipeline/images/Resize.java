package atelier.pipeline.images;

import ai.djl.ndarray.NDArray;

/** Resampling of {@code [B, C, H, W]} arrays. */
public final class Resize {
    private Resize() { }

    /** Bilinear resampling to {@code height × width} (antialiased when shrinking); a no-op at the same size. */
    public static NDArray bilinear(NDArray x, int height, int width) {
        if (x.getShape().get(2) == height && x.getShape().get(3) == width) {
            return x;
        }
        return x.getNDArrayInternal().interpolation(new long[] {height, width}, 1, false);
    }

    /** Nearest-neighbour resampling to {@code height × width}. */
    public static NDArray nearest(NDArray x, int height, int width) {
        if (x.getShape().get(2) == height && x.getShape().get(3) == width) {
            return x;
        }
        return x.getNDArrayInternal().interpolation(new long[] {height, width}, 0, false);
    }

    /** Scales so that the longer side is at most {@code maxSide}, keeping the aspect ratio. */
    public static NDArray fitWithin(NDArray x, int maxSide) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        long longer = Math.max(h, w);
        if (longer <= maxSide) {
            return x;
        }
        double f = (double) maxSide / longer;
        return bilinear(x, (int) Math.max(1, Math.round(h * f)), (int) Math.max(1, Math.round(w * f)));
    }
}
