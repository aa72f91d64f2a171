package atelier.runtime.nn;

import ai.djl.ndarray.NDArray;
import atelier.runtime.hooks.Hooks;
import atelier.runtime.ops.Ops;

/**
 * diffusers {@code ResnetBlock2D} (time-embedding shift "default"): {@code norm1 → silu → conv1 (+ time_emb_proj(silu(temb)))
 * → norm2 → silu → conv2}, then {@code (shortcut(x) + h) / output_scale_factor}, with a 1×1
 * {@code conv_shortcut} when the channel counts differ. Feature points: {@code <path>.conv2} (the residual
 * branch before the skip addition and the output scale) and {@code <path>} (the block output).
 */
public final class ResnetBlock2D {
    private final String path;
    private final String conv2Path;
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear timeEmbProj;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d shortcut;
    private final float outputScale;

    /**
     * @param tembChannels width of the time embedding, 0 for none (the VAE)
     */
    public ResnetBlock2D(Weights w, String path, long in, long out, long tembChannels, int groups, float eps,
            float outputScale, HookPoints points) {
        this.path = path;
        this.conv2Path = path + ".conv2";
        this.norm1 = new GroupNorm(w.sub("norm1"), groups, in, eps);
        this.conv1 = Conv2d.same3x3(w.sub("conv1"), in, out);
        this.timeEmbProj = tembChannels > 0 ? Linear.withBias(w.sub("time_emb_proj"), tembChannels, out) : null;
        this.norm2 = new GroupNorm(w.sub("norm2"), groups, out, eps);
        this.conv2 = Conv2d.same3x3(w.sub("conv2"), out, out);
        this.shortcut = in != out ? Conv2d.pointwise(w.sub("conv_shortcut"), in, out) : null;
        this.outputScale = outputScale;
        if (points != null) {
            points.feature(conv2Path);
            points.feature(path);
        }
    }

    public String path() { return path; }

    /** @param temb the time embedding {@code [B, tembChannels]} (before the block's SiLU), or null */
    public NDArray forward(NDArray x, NDArray temb, Hooks hooks) {
        return Scope.run(() -> {
            NDArray h = conv1.forward(norm1.forwardSilu(x));
            if (timeEmbProj != null) {
                NDArray t = timeEmbProj.forward(Ops.silu(temb));
                h = h.addi(t.expandDims(-1).expandDims(-1));
            }
            h = conv2.forward(norm2.forwardSilu(h));
            h = hooks.feature(conv2Path, h);
            NDArray skip = shortcut != null ? shortcut.forward(x) : x;
            NDArray out = skip.add(h);
            if (outputScale != 1f) {
                out = out.divi(outputScale);
            }
            return hooks.feature(path, out);
        }, x, temb);
    }
}
