package atelier.runtime.vae;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import atelier.runtime.hooks.Hooks;
import atelier.runtime.nn.Conv2d;
import atelier.runtime.nn.GroupNorm;
import atelier.runtime.nn.ResnetBlock2D;
import atelier.runtime.nn.Scope;
import atelier.runtime.nn.Upsample2D;
import atelier.runtime.nn.Weights;

/**
 * diffusers VAE {@code Decoder}: {@code conv_in}, mid block, {@code UpDecoderBlock2D}s (one more resnet than the
 * encoder, then nearest ×2 and a convolution except on the last level), {@code conv_norm_out}, SiLU,
 * {@code conv_out}.
 */
final class Decoder {
    private final Conv2d convIn;
    private final VaeMidBlock mid;
    private final List<List<ResnetBlock2D>> resnets = new ArrayList<>();
    private final List<Upsample2D> upsamplers = new ArrayList<>();
    private final GroupNorm normOut;
    private final Conv2d convOut;

    Decoder(Weights w, VaeConfig c) {
        int[] ch = c.blockOutChannels();
        int n = ch.length;
        int groups = c.normNumGroups();
        long top = ch[n - 1];
        convIn = Conv2d.same3x3(w.sub("conv_in"), c.latentChannels(), top);
        mid = new VaeMidBlock(w.sub("mid_block"), top, groups, c.midBlockAddAttention());
        long out = top;
        for (int i = 0; i < n; i++) {
            long prev = out;
            out = ch[n - 1 - i];
            Weights b = w.sub("up_blocks." + i);
            List<ResnetBlock2D> level = new ArrayList<>();
            for (int j = 0; j < c.layersPerBlock() + 1; j++) {
                level.add(new ResnetBlock2D(b.sub("resnets." + j), "resnets." + j, j == 0 ? prev : out, out, 0,
                        groups, Vae.EPS, 1f, null));
            }
            resnets.add(level);
            upsamplers.add(i < n - 1 ? new Upsample2D(b.sub("upsamplers.0"), "upsamplers.0", out, null) : null);
        }
        normOut = new GroupNorm(w.sub("conv_norm_out"), groups, ch[0], Vae.EPS);
        convOut = Conv2d.same3x3(w.sub("conv_out"), ch[0], c.outChannels());
    }

    NDArray forward(NDArray z) {
        NDArray c = convIn.forward(z);
        NDArray h = mid.forward(c);
        c.close();
        for (int i = 0; i < resnets.size(); i++) {
            for (ResnetBlock2D r : resnets.get(i)) {
                NDArray next = r.forward(h, null, Hooks.none());
                h.close();
                h = next;
            }
            if (upsamplers.get(i) != null) {
                NDArray next = upsamplers.get(i).forward(h, Hooks.none());
                h.close();
                h = next;
            }
        }
        NDArray in = h;
        NDArray out = Scope.run(() -> convOut.forward(normOut.forwardSilu(in)), in);
        h.close();
        return out;
    }
}
