package atelier.runtime.vae;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import atelier.runtime.hooks.Hooks;
import atelier.runtime.nn.Conv2d;
import atelier.runtime.nn.Downsample2D;
import atelier.runtime.nn.GroupNorm;
import atelier.runtime.nn.ResnetBlock2D;
import atelier.runtime.nn.Weights;

/**
 * diffusers VAE {@code Encoder}: {@code conv_in}, {@code DownEncoderBlock2D}s (resnets, then a stride-2
 * convolution with right/bottom padding except on the last level), mid block, {@code conv_norm_out}, SiLU,
 * {@code conv_out} to {@code 2 × latent} channels (mean and log-variance).
 */
final class Encoder {
    private final Conv2d convIn;
    private final List<List<ResnetBlock2D>> resnets = new ArrayList<>();
    private final List<Downsample2D> downsamplers = new ArrayList<>();
    private final VaeMidBlock mid;
    private final GroupNorm normOut;
    private final Conv2d convOut;

    Encoder(Weights w, VaeConfig c) {
        int[] ch = c.blockOutChannels();
        int groups = c.normNumGroups();
        convIn = Conv2d.same3x3(w.sub("conv_in"), c.inChannels(), ch[0]);
        long out = ch[0];
        for (int i = 0; i < ch.length; i++) {
            long in = out;
            out = ch[i];
            Weights b = w.sub("down_blocks." + i);
            List<ResnetBlock2D> level = new ArrayList<>();
            for (int j = 0; j < c.layersPerBlock(); j++) {
                level.add(new ResnetBlock2D(b.sub("resnets." + j), "resnets." + j, j == 0 ? in : out, out, 0, groups,
                        Vae.EPS, 1f, null));
            }
            resnets.add(level);
            downsamplers.add(i < ch.length - 1
                    ? new Downsample2D(b.sub("downsamplers.0"), "downsamplers.0", out, 0, null) : null);
        }
        long top = ch[ch.length - 1];
        mid = new VaeMidBlock(w.sub("mid_block"), top, groups, c.midBlockAddAttention());
        normOut = new GroupNorm(w.sub("conv_norm_out"), groups, top, Vae.EPS);
        convOut = Conv2d.same3x3(w.sub("conv_out"), top, 2L * c.latentChannels());
    }

    NDArray forward(NDArray x) {
        NDArray h = convIn.forward(x);
        for (int i = 0; i < resnets.size(); i++) {
            for (ResnetBlock2D r : resnets.get(i)) {
                NDArray next = r.forward(h, null, Hooks.none());
                h.close();
                h = next;
            }
            if (downsamplers.get(i) != null) {
                NDArray next = downsamplers.get(i).forward(h, Hooks.none());
                h.close();
                h = next;
            }
        }
        NDArray m = mid.forward(h);
        h.close();
        NDArray out = convOut.forward(normOut.forwardSilu(m));
        m.close();
        return out;
    }
}
