package atelier.strategy.latentstats.internal;

import java.util.List;

import atelier.api.spi.InjectionStrategy;
import atelier.api.spi.ParameterSpec;
import atelier.api.spi.Params;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.api.spi.StrategySpec;

import org.osgi.service.component.annotations.Component;

/**
 * Latent statistics transfer: encode content and style with a tiny autoencoder of the TAESD family, give the
 * content latent the style latent's channel statistics (AdaIN or WCT), decode. No diffusion model, no
 * sampling: a few seconds at 512×512 on a CPU, and a good baseline for colour and texture. It tiles large images
 * itself ({@link StrategySpec#tilesItself()}): pixel tiles for the autoencoder, statistics over the whole image.
 */
@Component(service = InjectionStrategy.class, property = InjectionStrategy.ID_PROPERTY + "=" + LatentStatsStrategy.ID)
public final class LatentStatsStrategy implements InjectionStrategy {
    /** The strategy id. */
    public static final String ID = "latent-stats";

    static final String METHOD = "method";
    static final String STRENGTH = "strength";
    static final String AUTOENCODER = "autoencoder";
    static final String KEEP_COLORS = "keep_colors";

    private static final StrategySpec SPEC = new StrategySpec(ID, "Latent statistics (AdaIN / WCT)",
            "Huang & Belongie, Arbitrary Style Transfer in Real-time with Adaptive Instance Normalization, ICCV 2017;"
                    + " Li et al., Universal Style Transfer via Feature Transforms, NeurIPS 2017",
            "Encodes content and style with a tiny autoencoder (TAESD family), gives the content latent the style "
                    + "latent's channel statistics and decodes it. Transfers colour, tone and fine texture in "
                    + "seconds; the content's layout is kept exactly. Any image sizes: large images are encoded "
                    + "and decoded in overlapping 512 px tiles while the statistics are matched over the whole "
                    + "image. Grey images are treated as RGB.",
            "",
            List.of(
                    ParameterSpec.ofChoice(METHOD, "Method", "adain", List.of("adain", "wct"),
                            "How the style's latent statistics are imposed. adain: per-channel mean and standard "
                                    + "deviation over the image (Huang & Belongie); wct: whitening and colouring "
                                    + "with the full channel covariance, which also carries the correlations "
                                    + "between channels (Li et al.). Default adain."),
                    ParameterSpec.ofFloat(STRENGTH, "Strength", 1.0, 0.0, 1.0,
                            "How far the latent moves toward the stylised one: z = content + strength · "
                                    + "(stylised − content). 0 gives the plain reconstruction, 1 the full "
                                    + "transfer. Default 1."),
                    ParameterSpec.ofChoice(AUTOENCODER, "Autoencoder", "taef2",
                            List.of("taesd", "taesdxl", "taesd3", "taef1", "taef2"),
                            "Which tiny autoencoder encodes and decodes: taesd (SD 1/2, 4 channels), taesdxl "
                                    + "(SDXL, 4), taesd3 (SD3, 16), taef1 (FLUX.1, 16), taef2 (FLUX.2, 32). More "
                                    + "latent channels carry richer statistics. Default taef2."),
                    ParameterSpec.ofBoolean(KEEP_COLORS, "Keep colours", false,
                            "Keep the content's colours: after decoding, the result's luminance is recombined "
                                    + "with the content's chrominance (YCbCr), so only tone and texture come from "
                                    + "the style. Default false.")),
            true);

    @Override
    public StrategySpec spec() { return SPEC; }

    @Override
    public StrategyRun open(RunContext context, Params params) throws Exception {
        return LatentStatsRun.open(context, params);
    }
}
