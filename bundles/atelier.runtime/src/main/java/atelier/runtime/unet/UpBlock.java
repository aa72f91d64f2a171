package atelier.runtime.unet;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import atelier.runtime.hooks.Hooks;
import atelier.runtime.nn.HookPoints;
import atelier.runtime.nn.Release;
import atelier.runtime.nn.ResnetBlock2D;
import atelier.runtime.nn.Transformer2DModel;
import atelier.runtime.nn.Upsample2D;
import atelier.runtime.nn.Weights;

/**
 * diffusers {@code CrossAttnUpBlock2D} or {@code UpBlock2D}: per layer, concatenate the last skip connection
 * on channels, resnet, (attention); then an optional up-sampler. Feature point {@code up_blocks.N}: the
 * block's output (after the up-sampler).
 */
final class UpBlock {
    private final String path;
    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2DModel> attentions = new ArrayList<>();
    private final Upsample2D upsampler;

    /**
     * @param in      channels of the skip from the level below (diffusers' {@code in_channels})
     * @param prevOut channels arriving from the previous up block
     */
    UpBlock(Weights w, String path, UNetConfig c, int reversedIndex, long in, long out, long prevOut, boolean cross,
            boolean addUpsample, HookPoints points) {
        this.path = path;
        int levels = c.blockOutChannels().length;
        int downIndex = levels - 1 - reversedIndex;
        int heads = c.headsPerBlock()[downIndex];
        int layers = c.layersPerBlock() + 1;
        for (int i = 0; i < layers; i++) {
            long skip = i == layers - 1 ? in : out;
            long resIn = i == 0 ? prevOut : out;
            String rp = "resnets." + i;
            resnets.add(new ResnetBlock2D(w.sub(rp), path + "." + rp, resIn + skip, out, c.timeEmbedDim(),
                    c.normNumGroups(), c.normEps(), 1f, points));
            if (cross) {
                String ap = "attentions." + i;
                attentions.add(new Transformer2DModel(w.sub(ap), path + "." + ap, out, heads, out / heads,
                        c.crossAttentionDim(), c.transformerLayersPerBlock()[downIndex], c.normNumGroups(),
                        c.useLinearProjection(), points));
            }
        }
        upsampler = addUpsample ? new Upsample2D(w.sub("upsamplers.0"), path + ".upsamplers.0", out, points) : null;
        points.feature(path);
    }

    int layers() { return resnets.size(); }

    /**
     * Consumes this block's skip connections from the end of {@code skips}.
     *
     * @param upsampleTo {@code [H, W]} of the next level's skips, or null for plain ×2
     */
    NDArray forward(NDArray x, NDArray temb, NDArray context, Hooks hooks, List<NDArray> skips, long[] upsampleTo) {
        var owner = x.getManager();
        NDArray h = x;
        for (int i = 0; i < resnets.size(); i++) {
            NDArray skip = skips.remove(skips.size() - 1);
            NDArray cat = h.concat(skip, 1);
            if (h != x) {
                Release.ifOwned(h, owner);
            }
            Release.ifOwned(skip, owner);
            NDArray r = resnets.get(i).forward(cat, temb, hooks);
            Release.ifOwned(cat, owner);
            if (!attentions.isEmpty()) {
                NDArray a = attentions.get(i).forward(r, context, hooks);
                Release.ifOwned(r, owner);
                r = a;
            }
            h = r;
        }
        if (upsampler != null) {
            NDArray u = upsampleTo == null ? upsampler.forward(h, hooks)
                    : upsampler.forward(h, upsampleTo[0], upsampleTo[1], hooks);
            Release.ifOwned(h, owner);
            h = u;
        }
        return hooks.feature(path, h);
    }
}
