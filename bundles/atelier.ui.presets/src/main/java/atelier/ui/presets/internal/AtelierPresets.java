package atelier.ui.presets.internal;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import atelier.api.spi.Preset;
import atelier.api.spi.UiContribution;

/**
 * Named parameter sets for the strategies Atelier ships. Values use the strategies' {@code ParameterSpec} keys;
 * keys a preset leaves out keep their defaults. A host shows the presets of the chosen strategy only, so presets
 * for a strategy that is not installed are simply not offered.
 */
@Component(service = UiContribution.class)
public final class AtelierPresets implements UiContribution {
    static final String LATENT_STATS = "latent-stats";
    static final String STYLEID = "styleid";

    private static final List<Preset> PRESETS = List.of(
            new Preset("Stain transfer (WCT, TAEF2)", LATENT_STATS,
                    Map.of("method", "wct", "autoencoder", "taef2", "strength", "1.0", "keep_colors", "false"),
                    "Full colour and texture statistics of the style, e.g. to make one histology stain look like "
                            + "another."),
            new Preset("Gentle tone (AdaIN, half strength)", LATENT_STATS,
                    Map.of("method", "adain", "autoencoder", "taef2", "strength", "0.5"),
                    "Moves colour and tone half way towards the style; the content stays recognisable."),
            new Preset("Texture only, keep colours", LATENT_STATS,
                    Map.of("method", "wct", "autoencoder", "taef2", "keep_colors", "true"),
                    "Takes tone and texture from the style but keeps the content's colours (for micrographs whose "
                            + "colours carry meaning)."),
            new Preset("Fast draft (TAESD)", LATENT_STATS,
                    Map.of("method", "adain", "autoencoder", "taesd"),
                    "The smallest autoencoder: quickest, coarser; good for trying styles on large images."),
            new Preset("Paper settings (γ 0.75, τ 1.5, 50 steps)", STYLEID,
                    Map.of("gamma", "0.75", "tau", "1.5", "steps", "50", "adain", "true"),
                    "StyleID as published (Chung et al., CVPR 2024): query preservation 0.75, temperature 1.5."),
            new Preset("Stronger style (γ 0.5, τ 2)", STYLEID,
                    Map.of("gamma", "0.5", "tau", "2.0"),
                    "Less of the content's queries and sharper attention to the style: more texture, less layout."),
            new Preset("Quick look (20 steps)", STYLEID,
                    Map.of("steps", "20"),
                    "Fewer DDIM steps: a faster, rougher result to judge a style before the full run."));

    @Override
    public List<Preset> presets() {
        return PRESETS;
    }
}
