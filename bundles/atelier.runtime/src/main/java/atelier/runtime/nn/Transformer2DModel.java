package atelier.runtime.nn;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import atelier.runtime.hooks.Hooks;

/**
 * diffusers {@code Transformer2DModel} on continuous input: GroupNorm (eps 1e-6), {@code proj_in} (1×1 conv, or
 * linear with {@code use_linear_projection}), the {@code transformer_blocks}, {@code proj_out}, plus the input.
 */
public final class Transformer2DModel {
    private static final float NORM_EPS = 1e-6f;
    private final String path;
    private final GroupNorm norm;
    private final boolean linearProjection;
    private final Conv2d projInConv;
    private final Conv2d projOutConv;
    private final Linear projInLinear;
    private final Linear projOutLinear;
    private final List<BasicTransformerBlock> blocks = new ArrayList<>();
    private final long inner;

    public Transformer2DModel(Weights w, String path, long channels, int heads, long dimHead, long crossDim,
            int layers, int groups, boolean linearProjection, HookPoints points) {
        this.path = path;
        this.inner = heads * dimHead;
        this.norm = new GroupNorm(w.sub("norm"), groups, channels, NORM_EPS);
        this.linearProjection = linearProjection;
        if (linearProjection) {
            projInLinear = Linear.withBias(w.sub("proj_in"), channels, inner);
            projInConv = null;
        } else {
            projInConv = Conv2d.pointwise(w.sub("proj_in"), channels, inner);
            projInLinear = null;
        }
        for (int i = 0; i < layers; i++) {
            blocks.add(new BasicTransformerBlock(w.sub("transformer_blocks." + i), path + ".transformer_blocks." + i,
                    inner, heads, dimHead, crossDim, points));
        }
        if (linearProjection) {
            projOutLinear = Linear.withBias(w.sub("proj_out"), inner, channels);
            projOutConv = null;
        } else {
            projOutConv = Conv2d.pointwise(w.sub("proj_out"), inner, channels);
            projOutLinear = null;
        }
        if (points != null) {
            points.feature(path);
        }
    }

    /** @param x {@code [B, C, H, W]}; context {@code [B, M, crossDim]} */
    public NDArray forward(NDArray x, NDArray context, Hooks hooks) {
        return Scope.run(() -> {
            long[] s = x.getShape().getShape();
            long b = s[0];
            long c = s[1];
            long hgt = s[2];
            long wid = s[3];
            NDArray h = norm.forward(x);
            if (linearProjection) {
                h = projInLinear.forward(h.transpose(0, 2, 3, 1).reshape(b, hgt * wid, c));
            } else {
                h = projInConv.forward(h).transpose(0, 2, 3, 1).reshape(b, hgt * wid, inner);
            }
            for (BasicTransformerBlock block : blocks) {
                h = block.forward(h, context, hooks);
            }
            if (linearProjection) {
                h = projOutLinear.forward(h).reshape(b, hgt, wid, c).transpose(0, 3, 1, 2);
            } else {
                h = projOutConv.forward(h.reshape(b, hgt, wid, inner).transpose(0, 3, 1, 2));
            }
            return hooks.feature(path, h.add(x));
        }, x, context);
    }
}
