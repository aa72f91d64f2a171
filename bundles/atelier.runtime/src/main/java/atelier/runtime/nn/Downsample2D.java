package atelier.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.hooks.Hooks;

/**
 * diffusers {@code Downsample2D} with a convolution: 3×3, stride 2. With padding 0 (the VAE encoder) the input
 * is first padded by one zero row and column at the bottom and right, as diffusers does.
 */
public final class Downsample2D {
    private static final Shape PAD_RIGHT_BOTTOM = new Shape(0, 1, 0, 1);
    private final String path;
    private final Conv2d conv;
    private final int padding;

    public Downsample2D(Weights w, String path, long channels, int padding, HookPoints points) {
        this.path = path;
        this.padding = padding;
        this.conv = new Conv2d(w.sub("conv"), channels, channels, 3, 2, padding);
        if (points != null) {
            points.feature(path);
        }
    }

    public NDArray forward(NDArray x, Hooks hooks) {
        return Scope.run(() -> {
            NDArray in = padding == 0 ? x.pad(PAD_RIGHT_BOTTOM, 0) : x;
            return hooks.feature(path, conv.forward(in));
        }, x);
    }
}
