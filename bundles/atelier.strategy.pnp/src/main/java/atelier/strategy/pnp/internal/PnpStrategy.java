package atelier.strategy.pnp.internal;

import org.osgi.service.component.annotations.Component;

import atelier.api.spi.InjectionStrategy;
import atelier.api.spi.Params;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.api.spi.StrategySpec;
import atelier.strategy.pnp.PnpSettings;

/** Plug-and-Play as an injection strategy: stateless; each {@link #open} starts a {@link PnpRun}. */
@Component(service = InjectionStrategy.class, property = InjectionStrategy.ID_PROPERTY + "=pnp")
public final class PnpStrategy implements InjectionStrategy {
    static final StrategySpec SPEC = new StrategySpec("pnp", "Plug-and-Play",
            "Tumanyan, Geyer, Bagon, Dekel: Plug-and-Play Diffusion Features for Text-Driven Image-to-Image"
                    + " Translation. CVPR 2023 (arXiv 2211.12572)",
            "Translates the content image to the prompt while keeping its structure: the image is DDIM-inverted,"
                    + " and during generation a decoder resnet's residual features and the self-attention queries"
                    + " and keys of the decoder come from the source branch for the first steps. The style image"
                    + " is not used. Images larger than the model's native size are translated in overlapping latent"
                    + " tiles, one PnP run per tile, blended in latent space.",
            "sd15", PnpSettings.PARAMETERS, true);

    @Override
    public StrategySpec spec() { return SPEC; }

    @Override
    public StrategyRun open(RunContext context, Params params) {
        return new PnpRun(context, PnpSettings.of(params));
    }
}
