package atelier.runtime.bench;

/**
 * Analytic operation counts (1 multiply-add = 2 FLOP; convolutions and matrix products only, which is where
 * the time goes; norms, activations and softmax are left out).
 */
public final class Flops {
    /** SD 1.5 UNet forward, one image at a 64×64 latent (512×512 px): the commonly quoted 803 GFLOP. */
    public static final double UNET_SD15_64 = 803e9;

    private Flops() { }

    /** SD 1.5 UNet forward, scaled by latent area from the 64×64 figure. */
    public static double unetSd15(long batch, long h, long w) {
        return UNET_SD15_64 * batch * (h * w) / (64.0 * 64.0);
    }

    /**
     * The diffusers {@code AutoencoderKL} decode ({@code post_quant_conv} + decoder) for one latent of
     * {@code h×w}: conv_in, the mid block (two resnets and a single-head attention over h·w tokens), the up
     * blocks (layers+1 resnets each, 1×1 shortcuts where channels change, a 3×3 conv after each ×2 upsample but
     * the last) and conv_out. For SD 1.5 ({@code [128, 256, 512, 512]}, 2 layers, 4 latent channels) at 64×64
     * that is 2514.5 GFLOP.
     */
    public static double vaeDecode(long h, long w, int[] blockOut, int layersPerBlock, int latentChannels,
            int outChannels) {
        double mac = 0;
        long top = blockOut[blockOut.length - 1];
        mac += (double) latentChannels * latentChannels * h * w;       // post_quant_conv 1x1
        mac += (double) latentChannels * top * 9 * h * w;              // conv_in
        mac += 2 * resnet(top, top, h, w);                             // mid resnets
        double n = (double) h * w;
        mac += 4 * n * top * top + 2 * n * n * top;                    // mid attention: q,k,v,out + QK^T + PV
        long prev = top;
        long hh = h;
        long ww = w;
        for (int i = blockOut.length - 1; i >= 0; i--) {
            long out = blockOut[i];
            for (int j = 0; j <= layersPerBlock; j++) {
                mac += resnet(j == 0 ? prev : out, out, hh, ww);
            }
            prev = out;
            if (i > 0) {
                hh *= 2;
                ww *= 2;
                mac += (double) out * out * 9 * hh * ww;               // upsampler conv
            }
        }
        mac += (double) blockOut[0] * outChannels * 9 * hh * ww;       // conv_out
        return 2 * mac;
    }

    private static double resnet(long in, long out, long h, long w) {
        double m = (double) in * out * 9 * h * w + (double) out * out * 9 * h * w;
        if (in != out) {
            m += (double) in * out * h * w;
        }
        return m;
    }
}
