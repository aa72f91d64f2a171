package atelier.runtime.nn;

import ai.djl.ndarray.NDArray;
import atelier.runtime.hooks.Hooks;

/** diffusers {@code Upsample2D} with a convolution: nearest-neighbour ×2 (or to a given size), then 3×3. */
public final class Upsample2D {
    private final String path;
    private final Conv2d conv;

    public Upsample2D(Weights w, String path, long channels, HookPoints points) {
        this.path = path;
        this.conv = Conv2d.same3x3(w.sub("conv"), channels, channels);
        if (points != null) {
            points.feature(path);
        }
    }

    /** Upsamples ×2. */
    public NDArray forward(NDArray x, Hooks hooks) {
        long[] s = x.getShape().getShape();
        return forward(x, s[2] * 2, s[3] * 2, hooks);
    }

    /** Upsamples to {@code height × width} (diffusers' {@code upsample_size} for odd latent sizes). */
    public NDArray forward(NDArray x, long height, long width, Hooks hooks) {
        return Scope.run(() -> {
            NDArray up = x.getNDArrayInternal().interpolation(new long[] {height, width}, 0, false);
            return hooks.feature(path, conv.forward(up));
        }, x);
    }
}
