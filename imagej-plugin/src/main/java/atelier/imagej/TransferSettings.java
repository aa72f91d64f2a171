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
 */
public record TransferSettings(String style, String strategyId, Map<String, String> parameters, long seed,
        String model) {
    /** The seed used when none is given, the same as {@code TransferRequest}'s. */
    public static final long DEFAULT_SEED = 42;

    public TransferSettings {
        Objects.requireNonNull(style, "style");
        Objects.requireNonNull(strategyId, "strategyId");
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        model = model == null ? "" : model;
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
        return sb.toString();
    }
}
