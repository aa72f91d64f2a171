package atelier.runtime.unet;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import atelier.runtime.hooks.Hooks;
import atelier.runtime.nn.Downsample2D;
import atelier.runtime.nn.HookPoints;
import atelier.runtime.nn.Release;
import atelier.runtime.nn.ResnetBlock2D;
import atelier.runtime.nn.Transformer2DModel;
import atelier.runtime.nn.Weights;

/**
 * diffusers {@code CrossAttnDownBlock2D} (resnet then attention, per layer) or {@code DownBlock2D} (resnets
 * only), with an optional down-sampler. Every layer's output and the down-sampler's output are skip
 * connections for the up path. Feature point {@code down_blocks.N}: the block's output (also its last skip).
 */
final class DownBlock {
    private final String path;
    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2DModel> attentions = new ArrayList<>();
    private final Downsample2D downsampler;

    DownBlock(Weights w, String path, UNetConfig c, int index, long in, long out, boolean cross,
            boolean addDownsample, HookPoints points) {
        this.path = path;
        int heads = c.headsPerBlock()[index];
        for (int i = 0; i < c.layersPerBlock(); i++) {
            String rp = "resnets." + i;
            resnets.add(new ResnetBlock2D(w.sub(rp), path + "." + rp, i == 0 ? in : out, out, c.timeEmbedDim(),
                    c.normNumGroups(), c.normEps(), 1f, points));
            if (cross) {
                String ap = "attentions." + i;
                attentions.add(new Transformer2DModel(w.sub(ap), path + "." + ap, out, heads, out / heads,
                        c.crossAttentionDim(), c.transformerLayersPerBlock()[index], c.normNumGroups(),
                        c.useLinearProjection(), points));
            }
        }
        downsampler = addDownsample
                ? new Downsample2D(w.sub("downsamplers.0"), path + ".downsamplers.0", out, c.downsamplePadding(), points)
                : null;
        points.feature(path);
    }

    /** Runs the block, appending its skip connections to {@code skips}; returns the output. */
    NDArray forward(NDArray x, NDArray temb, NDArray context, Hooks hooks, List<NDArray> skips) {
        NDArray h = x;
        for (int i = 0; i < resnets.size(); i++) {
            NDArray r = resnets.get(i).forward(h, temb, hooks);
            if (!attentions.isEmpty()) {
                NDArray a = attentions.get(i).forward(r, context, hooks);
                Release.ifOwned(r, x.getManager());
                r = a;
            }
            skips.add(r);
            h = r;
        }
        if (downsampler != null) {
            h = downsampler.forward(h, hooks);
            skips.add(h);
        }
        NDArray out = hooks.feature(path, h);
        if (out != h) {
            skips.set(skips.size() - 1, out);
        }
        return out;
    }
}
