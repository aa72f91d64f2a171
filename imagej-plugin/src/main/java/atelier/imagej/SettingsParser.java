package atelier.imagej;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import atelier.api.StrategyInfo;
import atelier.api.spi.ParameterSpec;

/**
 * Turns macro options into {@link TransferSettings}, validating every value against the strategy's
 * {@link ParameterSpec}s. Keys not given take the strategy's defaults; an unknown key is an error (a typo must not
 * silently fall back to a default). Error messages name the key, the value and what is allowed.
 */
public final class SettingsParser {

    private SettingsParser() { }

    /**
     * @param options    the macro options string ({@code Macro.getOptions()})
     * @param strategies the installed strategies
     * @throws IllegalArgumentException naming what is wrong and what is allowed
     */
    public static TransferSettings parse(String options, List<StrategyInfo> strategies) {
        MacroOptions opts = checkSyntax(options);
        String style = opts.get(CommandKeys.STYLE);
        StrategyInfo strategy = chooseStrategy(opts.get(CommandKeys.STRATEGY), strategies);
        long seed = parseSeed(opts.get(CommandKeys.SEED));
        String model = Optional.ofNullable(opts.get(CommandKeys.MODEL)).orElse("");

        List<ParameterSpec> specs = checkedSpecs(strategy);
        Map<String, String> raw = new LinkedHashMap<>(opts.asMap());
        CommandKeys.ALL.forEach(raw::remove);
        List<String> known = specs.stream().map(ParameterSpec::key).collect(Collectors.toList());
        for (String key : raw.keySet()) {
            if (!known.contains(key)) {
                List<String> allowed = new ArrayList<>(CommandKeys.ALL);
                allowed.addAll(known);
                throw new IllegalArgumentException("unknown key '" + key + "' for strategy " + strategy.id()
                        + "; allowed keys: " + String.join(", ", allowed));
            }
        }
        ImageOptions image = ImageOptions.parse(opts);
        return new TransferSettings(style.trim(), strategy.id(), canonical(specs, raw), seed, model.trim(), image);
    }

    /**
     * The checks that need no strategy list (so they can run before the host starts): the options parse and
     * name a style.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static MacroOptions checkSyntax(String options) {
        MacroOptions opts = MacroOptions.parse(options);
        ImageOptions.parse(opts); // image keys are checked before the host starts, too
        String style = opts.get(CommandKeys.STYLE);
        if (style == null || style.isBlank()) {
            throw new IllegalArgumentException("style=[...] is required: the title of an open image or the path of "
                    + "an image file");
        }
        return opts;
    }

    /**
     * Validates raw values by key and fills in defaults.
     *
     * @return canonical text of every declared parameter, in declaration order
     * @throws IllegalArgumentException for a bad value, with the parameter's allowed range or choices
     */
    public static Map<String, String> canonical(List<ParameterSpec> specs, Map<String, String> raw) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ParameterSpec spec : specs) {
            String given = raw.get(spec.key());
            String text = given != null ? given : spec.defaultValue();
            Object value;
            try {
                value = spec.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + allowedSuffix(spec), e);
            }
            out.put(spec.key(), String.valueOf(value));
        }
        return out;
    }

    /** Picks the strategy named by {@code id}, or the default one when {@code id} is null. */
    public static StrategyInfo chooseStrategy(String id, List<StrategyInfo> strategies) {
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("no style transfer strategy is installed (check the Atelier "
                    + "features folder)");
        }
        String wanted = id == null || id.isBlank() ? null : id.trim();
        if (wanted == null) {
            for (StrategyInfo s : strategies) {
                if (s.id().equals(CommandKeys.DEFAULT_STRATEGY)) {
                    return s;
                }
            }
            return strategies.get(0);
        }
        for (StrategyInfo s : strategies) {
            if (s.id().equalsIgnoreCase(wanted)) {
                return s;
            }
        }
        throw new IllegalArgumentException("strategy '" + wanted + "' is not installed; installed: "
                + strategies.stream().map(StrategyInfo::id).collect(Collectors.joining(", ")));
    }

    /** The strategy's parameters, refusing one that reuses a key of the command itself. */
    public static List<ParameterSpec> checkedSpecs(StrategyInfo strategy) {
        List<ParameterSpec> specs = strategy.spec().parameters();
        for (ParameterSpec s : specs) {
            if (CommandKeys.ALL.contains(s.key())) {
                throw new IllegalArgumentException("strategy " + strategy.id() + " (bundle " + strategy.bundle()
                        + ") declares parameter '" + s.key() + "', which clashes with the command's own key");
            }
        }
        return specs;
    }

    static long parseSeed(String text) {
        if (text == null || text.isBlank()) {
            return TransferSettings.DEFAULT_SEED;
        }
        String t = text.trim();
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            // a dialog's numeric field may hand back "42.0"
            try {
                double d = Double.parseDouble(t);
                if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
                    return (long) d;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException("seed: '" + text + "' is not a whole number");
        }
    }

    private static String allowedSuffix(ParameterSpec spec) {
        switch (spec.type()) {
            case FLOAT:
            case INT:
                return " (" + spec.label() + ": " + ParameterFields.rangeText(spec) + ", default "
                        + spec.defaultValue() + ")";
            case BOOLEAN:
                return " (" + spec.label() + ": true or false)";
            default:
                return "";
        }
    }
}
