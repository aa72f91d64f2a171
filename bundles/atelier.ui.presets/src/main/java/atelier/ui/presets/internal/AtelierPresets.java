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
                    "The smallest autoencoder: quickest, coarser; good for trying styles on large images."));

    @Override
    public List<Preset> presets() {
        return PRESETS;
    }
}
