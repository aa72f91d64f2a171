package atelier.api.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Validated parameter values of one run: every declared key, defaults filled in. */
public final class Params {
    private final Map<String, Object> values;
    private final Map<String, String> text;

    private Params(Map<String, Object> values, Map<String, String> text) {
        this.values = Collections.unmodifiableMap(values);
        this.text = Collections.unmodifiableMap(text);
    }

    /**
     * Validates raw values against the declaration.
     *
     * @throws IllegalArgumentException for an unknown key (the message lists the known ones) or a bad value
     */
    public static Params of(List<ParameterSpec> specs, Map<String, String> raw) {
        Map<String, ParameterSpec> byKey = new LinkedHashMap<>();
        for (ParameterSpec s : specs) {
            byKey.put(s.key(), s);
        }
        for (String k : raw.keySet()) {
            if (!byKey.containsKey(k)) {
                throw new IllegalArgumentException("unknown parameter '" + k + "'; known: " + byKey.keySet());
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> text = new LinkedHashMap<>();
        for (ParameterSpec s : specs) {
            String given = raw.get(s.key());
            String t = given != null ? given : s.defaultValue();
            Object v = s.parse(t);
            values.put(s.key(), v);
            text.put(s.key(), String.valueOf(v));
        }
        return new Params(values, text);
    }

    public double getDouble(String key) { return ((Number) require(key)).doubleValue(); }
    public float getFloat(String key) { return (float) getDouble(key); }
    public int getInt(String key) { return ((Number) require(key)).intValue(); }
    public boolean getBoolean(String key) { return (Boolean) require(key); }
    public String getString(String key) { return (String) require(key); }

    /** Every value as text, in declaration order (for the result's record). */
    public Map<String, String> asText() { return text; }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no parameter '" + key + "'; known: " + values.keySet());
        }
        return v;
    }

    @Override
    public String toString() { return text.toString(); }
}
