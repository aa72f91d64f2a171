package atelier.pipeline.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Pads {@code [B, C, H, W]} arrays at the bottom and right so that H and W become multiples of a number (8 for
 * the autoencoders), and crops results back. Bottom/right padding keeps the origin, so cropping back is a slice.
 */
public final class Padding {
    private final int height;
    private final int width;
    private final int paddedHeight;
    private final int paddedWidth;

    private Padding(int height, int width, int paddedHeight, int paddedWidth) {
        this.height = height;
        this.width = width;
        this.paddedHeight = paddedHeight;
        this.paddedWidth = paddedWidth;
    }

    /** The padding that brings {@code height × width} up to multiples of {@code multiple}. */
    public static Padding toMultiple(int height, int width, int multiple) {
        if (multiple < 1) {
            throw new IllegalArgumentException("multiple must be ≥ 1, got " + multiple);
        }
        return new Padding(height, width, roundUp(height, multiple), roundUp(width, multiple));
    }

    private static int roundUp(int v, int m) { return (v + m - 1) / m * m; }

    public int height() { return height; }
    public int width() { return width; }
    public int paddedHeight() { return paddedHeight; }
    public int paddedWidth() { return paddedWidth; }

    /** True if nothing needs to be added. */
    public boolean isNone() { return height == paddedHeight && width == paddedWidth; }

    /** Pads {@code x} ({@code [B, C, height, width]}); returns {@code x} itself when nothing is needed. */
    public NDArray apply(NDArray x, PadMode mode) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(2) != height || s.get(3) != width) {
            throw new IllegalArgumentException("expected [B,C," + height + "," + width + "], got " + s);
        }
        NDArray y = padAxis(x, 2, paddedHeight - height, mode);
        return padAxis(y, 3, paddedWidth - width, mode);
    }

    /**
     * Crops a result back to the original size. The result may be at another scale than the padded input
     * (e.g. a latent at 1/8): the crop keeps the same fraction, rounded up.
     */
    public NDArray crop(NDArray y) {
        Shape s = y.getShape();
        long yh = s.get(s.dimension() - 2);
        long yw = s.get(s.dimension() - 1);
        long ch = (height * yh + paddedHeight - 1) / paddedHeight;
        long cw = (width * yw + paddedWidth - 1) / paddedWidth;
        if (ch == yh && cw == yw) {
            return y;
        }
        return y.get("..., 0:" + ch + ", 0:" + cw);
    }

    private static NDArray padAxis(NDArray x, int axis, int amount, PadMode mode) {
        if (amount == 0) {
            return x;
        }
        long n = x.getShape().get(axis);
        NDArray result = x;
        int remaining = amount;
        while (remaining > 0) {
            long cur = result.getShape().get(axis);
            NDArray extra;
            if (mode == PadMode.REFLECT && cur >= 2) {
                // mirror of the last rows without the edge row: cur-2, cur-3, …
                int take = (int) Math.min(remaining, cur - 1);
                extra = slice(result, axis, cur - 1 - take, cur - 1).flip(axis);
                remaining -= take;
            } else {
                extra = slice(result, axis, cur - 1, cur).repeat(axis, remaining);
                remaining = 0;
            }
            result = result.concat(extra, axis);
        }
        assert result.getShape().get(axis) == n + amount;
        return result;
    }

    private static NDArray slice(NDArray x, int axis, long from, long to) {
        return axis == 2 ? x.get(":, :, " + from + ":" + to + ", :") : x.get(":, :, :, " + from + ":" + to);
    }
}
