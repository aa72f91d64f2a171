package atelier.runtime.verify;

import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * Finds the tolerance of an output in a case: the {@code recommended_atol} of the case's sub-object whose name
 * appears in the output's name (the longest such name: {@code "style_final_latent"} beats
 * {@code "final_latent"} for {@code out.kv_style_final_latent}), else the case's own {@code recommended_atol},
 * else a default for the kind of value.
 */
final class Tolerances {
    /** README guide: network outputs 1e-4, when a manifest gives nothing better. */
    static final double DEFAULT = 1e-4;
    /** Scheduler tables and closed-form arithmetic. */
    static final double SCHEDULER = 1e-5;

    private Tolerances() { }

    static double of(JsonObject c, String output, double dflt) {
        String bare = output.substring(output.indexOf('.') + 1);
        String best = null;
        double tol = Double.NaN;
        for (Map.Entry<String, JsonElement> e : c.entrySet()) {
            if (!e.getValue().isJsonObject() || !e.getValue().getAsJsonObject().has("recommended_atol")) {
                continue;
            }
            String k = e.getKey();
            if (containsWord(bare, k) && (best == null || k.length() > best.length())) {
                best = k;
                tol = e.getValue().getAsJsonObject().get("recommended_atol").getAsDouble();
            }
        }
        if (best != null) {
            return tol;
        }
        if (c.has("recommended_atol")) {
            return c.get("recommended_atol").getAsDouble();
        }
        return dflt;
    }

    /** Whether {@code word} occurs in {@code name} between '_' boundaries (or the ends). */
    private static boolean containsWord(String name, String word) {
        int from = 0;
        while (true) {
            int i = name.indexOf(word, from);
            if (i < 0) {
                return false;
            }
            int end = i + word.length();
            boolean left = i == 0 || name.charAt(i - 1) == '_';
            boolean right = end == name.length() || name.charAt(end) == '_';
            if (left && right) {
                return true;
            }
            from = i + 1;
        }
    }
}
