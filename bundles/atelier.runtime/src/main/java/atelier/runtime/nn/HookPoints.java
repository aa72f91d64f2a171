package atelier.runtime.nn;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/** Collects, while a model is built, the module paths where processors may be installed (in forward order). */
public final class HookPoints {
    private final Set<String> attention = new LinkedHashSet<>();
    private final Set<String> features = new LinkedHashSet<>();
    private final Set<String> all = new LinkedHashSet<>();

    /** An attention module: an {@link atelier.api.hooks.AttentionProcessor} point and a feature point. */
    public void attention(String path) {
        attention.add(path);
        feature(path);
    }

    /** A module whose output a {@link atelier.api.hooks.FeatureProcessor} may rewrite. */
    public void feature(String path) {
        features.add(path);
        all.add(path);
    }

    public Set<String> attentionPaths() { return Collections.unmodifiableSet(attention); }

    public Set<String> featurePaths() { return Collections.unmodifiableSet(features); }

    /** Every path, in the order first registered. */
    public Set<String> all() { return Collections.unmodifiableSet(all); }
}
