package atelier.runtime.unet;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import atelier.runtime.hooks.Hooks;
import atelier.runtime.nn.HookPoints;
import atelier.runtime.nn.Release;
import atelier.runtime.nn.ResnetBlock2D;
import atelier.runtime.nn.Transformer2DModel;
import atelier.runtime.nn.Weights;

/**
 * diffusers {@code UNetMidBlock2DCrossAttn}: {@code resnets.0}, then (attention, resnet) pairs. Its output is
 * the "h-space" feature point {@code mid_block}.
 */
final class MidBlock {
    static final String PATH = "mid_block";
    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2DModel> attentions = new ArrayList<>();

    MidBlock(Weights w, UNetConfig c, HookPoints points) {
        int last = c.blockOutChannels().length - 1;
        long ch = c.blockOutChannels()[last];
        int heads = c.headsPerBlock()[last];
        int layers = 1;
        resnets.add(new ResnetBlock2D(w.sub("resnets.0"), PATH + ".resnets.0", ch, ch, c.timeEmbedDim(),
                c.normNumGroups(), c.normEps(), c.midBlockScaleFactor(), points));
        for (int i = 0; i < layers; i++) {
            attentions.add(new Transformer2DModel(w.sub("attentions." + i), PATH + ".attentions." + i, ch, heads,
                    ch / heads, c.crossAttentionDim(), c.transformerLayersPerBlock()[last], c.normNumGroups(),
                    c.useLinearProjection(), points));
            resnets.add(new ResnetBlock2D(w.sub("resnets." + (i + 1)), PATH + ".resnets." + (i + 1), ch, ch,
                    c.timeEmbedDim(), c.normNumGroups(), c.normEps(), c.midBlockScaleFactor(), points));
        }
        points.feature(PATH);
    }

    NDArray forward(NDArray x, NDArray temb, NDArray context, Hooks hooks) {
        NDArray h = resnets.get(0).forward(x, temb, hooks);
        for (int i = 0; i < attentions.size(); i++) {
            NDArray a = attentions.get(i).forward(h, context, hooks);
            Release.ifOwned(h, x.getManager());
            NDArray r = resnets.get(i + 1).forward(a, temb, hooks);
            Release.ifOwned(a, x.getManager());
            h = r;
        }
        return hooks.feature(PATH, h);
    }
}
