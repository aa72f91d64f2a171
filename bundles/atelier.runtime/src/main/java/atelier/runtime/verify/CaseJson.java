package atelier.runtime.verify;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Reading a case's fields and comparing tensors with the reference. */
final class CaseJson {
    private CaseJson() { }

    static void checkTimesteps(JsonObject c, String field, int[] ours, List<Check> checks) {
        if (!c.has(field)) {
            return;
        }
        JsonArray a = c.getAsJsonArray(field);
        long[] expected = new long[a.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = a.get(i).getAsLong();
        }
        checks.add(new Check(field, intDiff(ours, expected), 0));
    }

    static double intDiff(int[] ours, long[] expected) {
        if (ours.length != expected.length) {
            return Double.NaN;
        }
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
            worst = Math.max(worst, Math.abs(ours[i] - expected[i]));
        }
        return worst;
    }

    static Check compare(String name, NDArray ours, NDArray expected, double tol) {
        if (!ours.getShape().equals(expected.getShape())) {
            throw new IllegalStateException(name + ": shape " + ours.getShape() + " but the reference is "
                    + expected.getShape());
        }
        NDArray a = ours.toType(DataType.FLOAT64, true);
        NDArray b = expected.toType(DataType.FLOAT64, true);
        double d = a.sub(b).abs().max().getDouble();
        boolean nonFinite = a.isInfinite().any().getBoolean() || a.isNaN().any().getBoolean();
        return new Check(name, nonFinite ? Double.NaN : d, tol);
    }

    static List<String> outputs(JsonObject c) { return strings(c, "outputs"); }

    static List<String> inputs(JsonObject c) { return strings(c, "inputs"); }

    /** The input ending in {@code suffix}, else the one at {@code index}. */
    static String input(JsonObject c, String suffix, int index) {
        List<String> in = inputs(c);
        for (String s : in) {
            if (s.endsWith(suffix)) {
                return s;
            }
        }
        if (index >= in.size()) {
            throw new IllegalStateException("case has no input " + suffix);
        }
        return in.get(index);
    }

    static List<String> strings(JsonObject c, String field) {
        JsonElement e = c.get(field);
        if (e == null || !e.isJsonArray()) {
            throw new IllegalStateException("case has no \"" + field + "\" list");
        }
        List<String> out = new ArrayList<>();
        e.getAsJsonArray().forEach(x -> out.add(x.getAsString()));
        return out;
    }
}
