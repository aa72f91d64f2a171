package atelier.api.hooks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Processors by module path. Several processors on one path run in the order added. Two processors that
 * both replace K/V on one path are refused, naming the path. Paths are checked against a model's hook points
 * when the set is installed, never here.
 */
public final class HookSet {
    private final Map<String, List<AttentionProcessor>> attention = new LinkedHashMap<>();
    private final Map<String, List<FeatureProcessor>> features = new LinkedHashMap<>();
    private final List<LatentProcessor> latents = new ArrayList<>();

    public static HookSet empty() { return new HookSet(); }

    public HookSet attention(String path, AttentionProcessor p) {
        List<AttentionProcessor> list = attention.computeIfAbsent(path, k -> new ArrayList<>());
        if (p.replacesKeyValue() && list.stream().anyMatch(AttentionProcessor::replacesKeyValue)) {
            throw new IllegalStateException("two processors replace keys/values at " + path + ": "
                    + list.stream().filter(AttentionProcessor::replacesKeyValue).findFirst().get() + " and " + p);
        }
        list.add(p);
        return this;
    }

    public HookSet feature(String path, FeatureProcessor p) {
        features.computeIfAbsent(path, k -> new ArrayList<>()).add(p);
        return this;
    }

    public HookSet latent(LatentProcessor p) {
        latents.add(p);
        return this;
    }

    /** Adds everything of another set (in order). */
    public HookSet addAll(HookSet other) {
        other.attention.forEach((path, ps) -> ps.forEach(p -> attention(path, p)));
        other.features.forEach((path, ps) -> ps.forEach(p -> feature(path, p)));
        latents.addAll(other.latents);
        return this;
    }

    public List<AttentionProcessor> attentionAt(String path) {
        return attention.getOrDefault(path, Collections.emptyList());
    }

    public List<FeatureProcessor> featuresAt(String path) {
        return features.getOrDefault(path, Collections.emptyList());
    }

    public List<LatentProcessor> latentProcessors() { return Collections.unmodifiableList(latents); }

    public Set<String> attentionPaths() { return Collections.unmodifiableSet(attention.keySet()); }

    public Set<String> featurePaths() { return Collections.unmodifiableSet(features.keySet()); }

    public boolean isEmpty() { return attention.isEmpty() && features.isEmpty() && latents.isEmpty(); }
}
