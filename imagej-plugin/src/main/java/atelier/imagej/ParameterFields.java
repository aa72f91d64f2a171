package atelier.imagej;

import java.math.BigDecimal;
import java.util.List;

import atelier.api.spi.ParameterSpec;

/**
 * How a {@link ParameterSpec} appears in a dialog: FLOAT and INT become numeric fields with their range shown
 * beside them, BOOLEAN a checkbox, CHOICE a drop-down, STRING a text field. Pure mapping, no AWT, so it is
 * testable headless; {@link SettingsDialog} renders it.
 */
public final class ParameterFields {

    /** The kind of dialog control. */
    public enum Kind { NUMERIC, CHECKBOX, CHOICE, STRING }

    /**
     * One dialog control.
     *
     * @param key          the parameter key (also the macro key)
     * @param kind         the control
     * @param label        what the user reads
     * @param defaultValue initial value as text
     * @param digits       decimal places shown for numeric fields (0 for whole numbers)
     * @param units        text beside a numeric field: its allowed range
     * @param choices      entries of a drop-down
     * @param help         the spec's help sentence
     */
    public record Field(String key, Kind kind, String label, String defaultValue, int digits, String units,
            List<String> choices, String help) {
        public Field {
            choices = List.copyOf(choices);
        }
    }

    private ParameterFields() { }

    /** The control for one parameter. */
    public static Field of(ParameterSpec spec) {
        switch (spec.type()) {
            case FLOAT:
                return new Field(spec.key(), Kind.NUMERIC, spec.label(), spec.defaultValue(), digits(spec),
                        rangeText(spec), List.of(), spec.help());
            case INT:
                return new Field(spec.key(), Kind.NUMERIC, spec.label(), spec.defaultValue(), 0, rangeText(spec),
                        List.of(), spec.help());
            case BOOLEAN:
                return new Field(spec.key(), Kind.CHECKBOX, spec.label(), spec.defaultValue(), 0, "", List.of(),
                        spec.help());
            case CHOICE:
                return new Field(spec.key(), Kind.CHOICE, spec.label(), String.valueOf(spec.defaultParsed()), 0, "",
                        spec.choices(), spec.help());
            case STRING:
            default:
                return new Field(spec.key(), Kind.STRING, spec.label(), spec.defaultValue(), 0, "", List.of(),
                        spec.help());
        }
    }

    /** "0 – 1", "≥ 0", "≤ 10" or "any" for a numeric parameter. */
    public static String rangeText(ParameterSpec spec) {
        boolean hasMin = !Double.isNaN(spec.min());
        boolean hasMax = !Double.isNaN(spec.max());
        if (hasMin && hasMax) {
            return number(spec.min()) + " – " + number(spec.max());
        }
        if (hasMin) {
            return "≥ " + number(spec.min());
        }
        if (hasMax) {
            return "≤ " + number(spec.max());
        }
        return "any";
    }

    /**
     * The text a numeric field's value stands for, as the spec parses it: whole numbers for INT (a dialog hands
     * back doubles), plain decimals for FLOAT.
     */
    public static String numberText(ParameterSpec spec, double value) {
        if (spec.type() == ParameterSpec.Type.INT) {
            if (value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE) {
                return Long.toString((long) value);
            }
            return Double.toString(value); // spec.parse reports "not a whole number"
        }
        return Double.toString(value);
    }

    /** Decimal places enough to show the default and the bounds exactly (2 to 6). */
    static int digits(ParameterSpec spec) {
        int d = Math.max(2, scale(Double.parseDouble(spec.defaultValue())));
        if (!Double.isNaN(spec.min())) {
            d = Math.max(d, scale(spec.min()));
        }
        if (!Double.isNaN(spec.max())) {
            d = Math.max(d, scale(spec.max()));
        }
        return Math.min(d, 6);
    }

    private static int scale(double v) {
        if (!Double.isFinite(v)) {
            return 0;
        }
        return Math.max(0, new BigDecimal(Double.toString(v)).stripTrailingZeros().scale());
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
