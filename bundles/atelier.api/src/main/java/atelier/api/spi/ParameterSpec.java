package atelier.api.spi;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One parameter of a strategy. The key is the stable name used by macros, the CLI ({@code --set key=value})
 * and saved settings; the label is for people and may change freely.
 *
 * @param key          stable lower-case key, {@code [a-z][a-z0-9_]*}
 * @param label        short human label
 * @param type         value type
 * @param defaultValue default, as text
 * @param min          lower bound for numbers (inclusive), else NaN
 * @param max          upper bound for numbers (inclusive), else NaN
 * @param choices      allowed values for {@link Type#CHOICE}
 * @param help         one or two sentences: the paper's symbol, the default and what it does
 */
public record ParameterSpec(String key, String label, Type type, String defaultValue, double min, double max,
        List<String> choices, String help) {

    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*");

    /** Value types. */
    public enum Type { FLOAT, INT, BOOLEAN, CHOICE, STRING }

    public ParameterSpec {
        Objects.requireNonNull(key, "key");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("parameter key must match [a-z][a-z0-9_]*: '" + key + "'");
        }
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        choices = List.copyOf(choices);
        help = help == null ? "" : help;
        if (type == Type.CHOICE && choices.isEmpty()) {
            throw new IllegalArgumentException("choice parameter '" + key + "' needs choices");
        }
        parse(key, type, defaultValue, min, max, choices); // the default must itself be valid
    }

    public static ParameterSpec ofFloat(String key, String label, double def, double min, double max, String help) {
        return new ParameterSpec(key, label, Type.FLOAT, Double.toString(def), min, max, List.of(), help);
    }

    public static ParameterSpec ofInt(String key, String label, int def, int min, int max, String help) {
        return new ParameterSpec(key, label, Type.INT, Integer.toString(def), min, max, List.of(), help);
    }

    public static ParameterSpec ofBoolean(String key, String label, boolean def, String help) {
        return new ParameterSpec(key, label, Type.BOOLEAN, Boolean.toString(def), Double.NaN, Double.NaN, List.of(),
                help);
    }

    public static ParameterSpec ofChoice(String key, String label, String def, List<String> choices, String help) {
        return new ParameterSpec(key, label, Type.CHOICE, def, Double.NaN, Double.NaN, choices, help);
    }

    public static ParameterSpec ofString(String key, String label, String def, String help) {
        return new ParameterSpec(key, label, Type.STRING, def, Double.NaN, Double.NaN, List.of(), help);
    }

    /**
     * Parses and validates a value.
     *
     * @return a {@link Double}, {@link Integer}, {@link Boolean} or {@link String}
     * @throws IllegalArgumentException with a message naming the key, the value and what is allowed
     */
    public Object parse(String text) {
        return parse(key, type, text, min, max, choices);
    }

    /** The parsed default. */
    public Object defaultParsed() { return parse(defaultValue); }

    private static Object parse(String key, Type type, String text, double min, double max, List<String> choices) {
        Objects.requireNonNull(text, "value of " + key);
        String t = text.trim();
        switch (type) {
            case FLOAT: {
                double v;
                try {
                    v = Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(key + ": '" + text + "' is not a number");
                }
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(key + ": '" + text + "' is not a finite number");
                }
                checkRange(key, v, min, max, text);
                return v;
            }
            case INT: {
                int v;
                try {
                    v = Integer.parseInt(t);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(key + ": '" + text + "' is not a whole number");
                }
                checkRange(key, v, min, max, text);
                return v;
            }
            case BOOLEAN: {
                String l = t.toLowerCase(Locale.ROOT);
                if (l.equals("true") || l.equals("yes") || l.equals("on") || l.equals("1")) {
                    return Boolean.TRUE;
                }
                if (l.equals("false") || l.equals("no") || l.equals("off") || l.equals("0")) {
                    return Boolean.FALSE;
                }
                throw new IllegalArgumentException(key + ": '" + text + "' is not true or false");
            }
            case CHOICE:
                for (String c : choices) {
                    if (c.equalsIgnoreCase(t)) {
                        return c;
                    }
                }
                throw new IllegalArgumentException(key + ": '" + text + "' is not one of " + choices);
            case STRING:
            default:
                return text;
        }
    }

    private static void checkRange(String key, double v, double min, double max, String text) {
        if ((!Double.isNaN(min) && v < min) || (!Double.isNaN(max) && v > max)) {
            throw new IllegalArgumentException(key + ": " + text + " is out of range [" + fmt(min) + ", " + fmt(max)
                    + "]");
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
