package atelier.runtime.hooks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import atelier.api.hooks.HookSet;

/** Checks the paths of a {@link HookSet} against a model's hook points. */
public final class HookPaths {
    private HookPaths() { }

    /**
     * Throws {@link IllegalArgumentException} for the first path that is not a hook point of its kind:
     * {@code unknown hook path 'x'; nearest valid paths: a, b, c} (for an attention processor the nearest
     * attention modules, for a feature processor the nearest feature points).
     */
    public static void validate(HookSet hooks, Set<String> attentionPoints, Set<String> featurePoints) {
        for (String p : hooks.attentionPaths()) {
            if (!attentionPoints.contains(p)) {
                throw unknown(p, attentionPoints);
            }
        }
        for (String p : hooks.featurePaths()) {
            if (!featurePoints.contains(p)) {
                throw unknown(p, featurePoints);
            }
        }
    }

    private static IllegalArgumentException unknown(String path, Collection<String> valid) {
        return new IllegalArgumentException("unknown hook path '" + path + "'; nearest valid paths: "
                + String.join(", ", nearest(path, valid, 3)));
    }

    /** The {@code n} valid paths closest to {@code path} in edit distance (ties in the model's order). */
    public static List<String> nearest(String path, Collection<String> valid, int n) {
        List<String> all = new ArrayList<>(valid);
        List<Integer> dist = all.stream().map(v -> editDistance(path, v)).collect(Collectors.toList());
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            idx.add(i);
        }
        idx.sort(Comparator.comparingInt(dist::get));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, idx.size()); i++) {
            out.add(all.get(idx.get(i)));
        }
        return out;
    }

    /** Levenshtein distance. */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
