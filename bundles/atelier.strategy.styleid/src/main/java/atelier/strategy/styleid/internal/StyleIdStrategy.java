package atelier.strategy.styleid.internal;

import org.osgi.service.component.annotations.Component;

import atelier.api.spi.InjectionStrategy;
import atelier.api.spi.Params;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.api.spi.StrategySpec;
import atelier.strategy.styleid.StyleIdSettings;

/**
 * StyleID as an injection strategy: stateless; each {@link #open} starts a {@link StyleIdRun}. It tiles large images
 * itself (latent tiles sharing one style inversion), so hosts send whole images.
 */
@Component(service = InjectionStrategy.class, property = InjectionStrategy.ID_PROPERTY + "=styleid")
public final class StyleIdStrategy implements InjectionStrategy {
    static final StrategySpec SPEC = new StrategySpec("styleid", "StyleID",
            "Chung, Hyun, Heo: Style Injection in Diffusion: A Training-free Approach for Adapting Large-scale"
                    + " Diffusion Models for Style Transfer. CVPR 2024 (arXiv 2312.09008)",
            "Inverts content and style with DDIM, then regenerates the content while its decoder self-attention"
                    + " layers query the style's keys and values (query preservation γ, temperature τ), starting"
                    + " from the content's inverted latent with the style's channel statistics (AdaIN).",
            "sd15", StyleIdSettings.PARAMETERS, true);

    @Override
    public StrategySpec spec() { return SPEC; }

    @Override
    public StrategyRun open(RunContext context, Params params) {
        return new StyleIdRun(context, StyleIdSettings.of(params));
    }
}
