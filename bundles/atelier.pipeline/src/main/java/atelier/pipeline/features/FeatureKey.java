package atelier.pipeline.features;

import java.util.Objects;

import atelier.runtime.injection.FeatureKind;

/**
 * Address of one stored tensor.
 *
 * @param path     module path ({@code up_blocks.2.attentions.0.transformer_blocks.0.attn1}) or, for latents, a
 *                 trajectory name ({@code content}, {@code style})
 * @param kind     what the tensor is
 * @param timestep the integer timestep of the model call it came from
 */
public record FeatureKey(String path, FeatureKind kind, int timestep) {
    public FeatureKey {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
    }

    @Override
    public String toString() { return path + "/" + kind.name().toLowerCase(java.util.Locale.ROOT) + "@t" + timestep; }
}
