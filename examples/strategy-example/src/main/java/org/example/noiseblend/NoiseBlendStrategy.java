package org.example.noiseblend;

import java.util.List;

import atelier.api.spi.InjectionStrategy;
import atelier.api.spi.ParameterSpec;
import atelier.api.spi.Params;
import atelier.api.spi.RunContext;
import atelier.api.spi.StrategyRun;
import atelier.api.spi.StrategySpec;

import org.osgi.service.component.annotations.Component;

/**
 * An example third-party strategy: moves the content latent toward the style latent's per-channel statistics and
 * adds seeded Gaussian grain scaled by the style's spread, then decodes. Registered as an
 * {@link InjectionStrategy} service with id {@value #ID}; hosts list it, build its dialog and CLI flags from
 * {@link #spec()}, and run it, with no change on their side.
 */
@Component(service = InjectionStrategy.class, property = InjectionStrategy.ID_PROPERTY + "=" + NoiseBlendStrategy.ID)
public final class NoiseBlendStrategy implements InjectionStrategy {
    /** The strategy id. */
    public static final String ID = "noise-blend";

    static final String BLEND = "blend";
    static final String AMOUNT = "amount";
    static final String AUTOENCODER = "autoencoder";

    private static final StrategySpec SPEC = new StrategySpec(ID, "Noise blend (example)", "",
            "Example of a third-party strategy bundle. Encodes both images with a tiny autoencoder, moves the "
                    + "content latent toward the style's per-channel mean and spread, adds seeded Gaussian grain "
                    + "and decodes. The same seed gives the same picture.",
            "",
            List.of(
                    ParameterSpec.ofFloat(BLEND, "Blend", 0.7, 0.0, 1.0,
                            "How far the content latent moves toward the style's channel statistics: 0 keeps "
                                    + "the content, 1 takes the style's mean and spread. Default 0.7."),
                    ParameterSpec.ofFloat(AMOUNT, "Grain amount", 0.3, 0.0, 2.0,
                            "Standard deviation of the added Gaussian grain, in units of the style latent's "
                                    + "per-channel spread; the seed picks the grain. 0 adds none. Default 0.3."),
                    ParameterSpec.ofChoice(AUTOENCODER, "Autoencoder", "taesd",
                            List.of("taesd", "taesdxl", "taesd3", "taef1", "taef2"),
                            "The tiny autoencoder (model store name) that encodes and decodes. Default taesd "
                                    + "(4 latent channels: coarse, painterly grain).")));

    @Override
    public StrategySpec spec() { return SPEC; }

    @Override
    public StrategyRun open(RunContext context, Params params) throws Exception {
        return NoiseBlendRun.open(context, params);
    }
}
