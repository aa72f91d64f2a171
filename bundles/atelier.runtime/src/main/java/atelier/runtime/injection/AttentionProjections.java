package atelier.runtime.injection;

import ai.djl.ndarray.NDArray;

/**
 * The projections of the attention module a call belongs to, so that a processor can turn stored module inputs
 * (hidden states, {@link FeatureKind#HIDDEN}) into queries, keys and values: storing the input of a
 * self-attention layer costs 2 tensors per content/style pair instead of 3 projections. The runtime's attention
 * calls implement it; results land in the input's manager.
 */
public interface AttentionProjections {
    /** {@code to_q(hidden)}, {@code [B, N, heads·headDim]}. */
    NDArray projectQuery(NDArray hidden);

    /** {@code to_k(context)}. */
    NDArray projectKey(NDArray context);

    /** {@code to_v(context)}. */
    NDArray projectValue(NDArray context);
}
