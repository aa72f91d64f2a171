package atelier.runtime.vae;

import ai.djl.ndarray.NDArray;
import atelier.runtime.hooks.Hooks;
import atelier.runtime.nn.ResnetBlock2D;
import atelier.runtime.nn.Weights;

/** diffusers {@code UNetMidBlock2D} without time embedding: resnet, (self-attention), resnet. */
final class VaeMidBlock {
    private final ResnetBlock2D first;
    private final VaeAttention attention;
    private final ResnetBlock2D second;

    VaeMidBlock(Weights w, long channels, int groups, boolean attend) {
        first = new ResnetBlock2D(w.sub("resnets.0"), "resnets.0", channels, channels, 0, groups, Vae.EPS, 1f, null);
        attention = attend ? new VaeAttention(w.sub("attentions.0"), channels, groups) : null;
        second = new ResnetBlock2D(w.sub("resnets.1"), "resnets.1", channels, channels, 0, groups, Vae.EPS, 1f, null);
    }

    NDArray forward(NDArray x) {
        NDArray h = first.forward(x, null, Hooks.none());
        if (attention != null) {
            NDArray a = attention.forward(h);
            h.close();
            h = a;
        }
        NDArray out = second.forward(h, null, Hooks.none());
        h.close();
        return out;
    }
}
