package atelier.api.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a strategy declares about itself.
 *
 * @param id           stable id, e.g. {@code latent-stats}, {@code styleid}
 * @param name         human name
 * @param paper        citation of the method's paper (or "" for none)
 * @param description  one paragraph for help screens
 * @param defaultModel model name from the model store used when the request names none
 * @param parameters   the parameters, in dialog order
 * @param tilesItself  whether the strategy takes images of any size and tiles them itself (latent tiles for
 *                     diffusion, pixel tiles for autoencoders, statistics over the whole image); hosts then send the
 *                     whole image instead of cutting it into tiles of their own
 */
public record StrategySpec(String id, String name, String paper, String description, String defaultModel,
        List<ParameterSpec> parameters, boolean tilesItself) {

    /** A strategy that wants hosts to tile large images for it. */
    public StrategySpec(String id, String name, String paper, String description, String defaultModel,
            List<ParameterSpec> parameters) {
        this(id, name, paper, description, defaultModel, parameters, false);
    }

    public StrategySpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        paper = paper == null ? "" : paper;
        description = description == null ? "" : description;
        defaultModel = defaultModel == null ? "" : defaultModel;
        parameters = List.copyOf(parameters);
    }

    /** Validates raw values against {@link #parameters()}. */
    public Params validate(java.util.Map<String, String> raw) { return Params.of(parameters, raw); }
}
