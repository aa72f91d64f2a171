package atelier.runtime.injection;

/** What a cached feature is: an attention projection, a residual-branch map, or a latent. */
public enum FeatureKind {
    /** {@code to_q(h)}, {@code [rows, tokens, heads·headDim]}. */
    QUERY,
    /** {@code to_k(h)}. */
    KEY,
    /** {@code to_v(h)}. */
    VALUE,
    /** The input of an attention module (after the transformer block's norm), {@code [rows, tokens, C]}. */
    HIDDEN,
    /** The residual branch of a resnet block ({@code conv2} output, before the skip addition). */
    RESIDUAL,
    /** A latent of a trajectory (the input of the UNet call at that timestep). */
    LATENT
}
