package atelier.imagej;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one run of the command needs besides the content image: where the style comes from, which
 * strategy, its validated parameter values (as canonical text, every declared key present), the seed and an
 * optional model override. The same values come from the dialog or from macro options and are recorded back
 * as macro options, so a recorded macro replays to the same request.
 *
 * @param style      title of an open image or path of an image file
 * @param strategyId the strategy's id
 * @param parameters canonical parameter text by {@code ParameterSpec} key, in declaration order
 * @param seed       random seed
 * @param model      model name or path; empty = the strategy's default
 * @param image      how the ImageJ image is read and written (planes, grey range, colour, tiles, selection edge)
 */
public record TransferSettings(String style, String strategyId, Map<String, String> parameters, long seed,
        String model, ImageOptions image) {
    /** The seed used when none is given, the same as {@code TransferRequest}'s. */
    public static final long DEFAULT_SEED = 42;

    public TransferSettings {
        Objects.requireNonNull(style, "style");
        Objects.requireNonNull(strategyId, "strategyId");
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        model = model == null ? "" : model;
        image = image == null ? ImageOptions.DEFAULT : image;
    }

    /** Settings with the default {@link ImageOptions}. */
    public TransferSettings(String style, String strategyId, Map<String, String> parameters, long seed,
            String model) {
        this(style, strategyId, parameters, seed, model, ImageOptions.DEFAULT);
    }

    /** The same settings with other image options. */
    public TransferSettings withImage(ImageOptions options) {
        return new TransferSettings(style, strategyId, parameters, seed, model, options);
    }

    /** The macro options string that reproduces these settings, with keys exactly as the command reads them. */
    public String toMacroOptions() {
        StringBuilder sb = new StringBuilder();
        sb.append(MacroOptions.format(CommandKeys.STYLE, style));
        sb.append(' ').append(MacroOptions.format(CommandKeys.STRATEGY, strategyId));
        parameters.forEach((k, v) -> sb.append(' ').append(MacroOptions.format(k, v)));
        sb.append(' ').append(MacroOptions.format(CommandKeys.SEED, Long.toString(seed)));
        if (!model.isEmpty()) {
            sb.append(' ').append(MacroOptions.format(CommandKeys.MODEL, model));
        }
        image.appendTo(sb);
        return sb.toString();
    }
}
