package atelier.imagej;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code key=value} options string of an ImageJ macro call, parsed the way ImageJ writes it:
 * {@code key=value}, {@code key=[value with spaces]} and bare {@code key} (a checked checkbox, read as
 * {@code true}). Keys are case-insensitive and stored lower-case. Pure Java, so it is testable without ImageJ.
 */
public final class MacroOptions {
    private final Map<String, String> values;

    private MacroOptions(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Parses an options string.
     *
     * @throws IllegalArgumentException for an unclosed {@code [}, an empty key or a key given twice
     */
    public static MacroOptions parse(String options) {
        Map<String, String> out = new LinkedHashMap<>();
        String s = options == null ? "" : options;
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int keyStart = i;
            while (i < n && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            String key = s.substring(keyStart, i).toLowerCase(Locale.ROOT);
            if (key.isEmpty()) {
                throw new IllegalArgumentException("macro options: '=' without a key at position " + i
                        + " in \"" + s.trim() + "\"");
            }
            String value;
            if (i < n && s.charAt(i) == '=') {
                i++;
                if (i < n && s.charAt(i) == '[') {
                    int close = s.indexOf(']', i + 1);
                    if (close < 0) {
                        throw new IllegalArgumentException("macro options: the value of '" + key
                                + "' opens '[' but never closes it");
                    }
                    value = s.substring(i + 1, close);
                    i = close + 1;
                } else {
                    int start = i;
                    while (i < n && !Character.isWhitespace(s.charAt(i))) {
                        i++;
                    }
                    value = s.substring(start, i);
                }
            } else {
                value = "true";
            }
            if (out.containsKey(key)) {
                throw new IllegalArgumentException("macro options: '" + key + "' is given twice");
            }
            out.put(key, value);
        }
        return new MacroOptions(out);
    }

    /** Every key in the order given. */
    public Map<String, String> asMap() { return values; }

    public boolean has(String key) { return values.containsKey(key); }

    public String get(String key) { return values.get(key); }

    /**
     * Formats one option the way ImageJ's recorder does: brackets around values that are empty or hold spaces.
     */
    public static String format(String key, String value) {
        boolean bracket = value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)
                || value.indexOf('[') >= 0;
        return key + "=" + (bracket ? "[" + value + "]" : value);
    }
}
