package atelier.api.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One call of an attention module ({@code …attn1} self-attention or {@code …attn2} cross-attention), as seen
 * by an {@link AttentionProcessor}. Query, key and value are the projections {@code to_q(h)}, {@code to_k(c)},
 * {@code to_v(c)} of shape {@code [B, tokens, heads·headDim]}, before the head split. A processor may replace
 * them (same shape), change the logit scale and add extra key/value streams; the module then computes
 * {@code to_out( softmax(scale·QKᵀ/√d)V + Σ wᵢ·softmax(QKᵢᵀ/√d)Vᵢ )}.
 * Arrays handed in belong to the step; arrays set must outlive the call (put them in {@link #manager()}).
 */
@ProviderType
public interface AttentionCall {
    /** The diffusers module path, e.g. {@code up_blocks.2.attentions.0.transformer_blocks.0.attn1}. */
    String path();

    StepInfo step();

    boolean isSelfAttention();

    int heads();

    /** The module's input (after the transformer block's norm), {@code [B, N, C]}. */
    NDArray hiddenStates();

    /** What keys and values come from: the hidden states (self-attention) or the text context. */
    NDArray context();

    NDArray query();

    NDArray key();

    NDArray value();

    void setQuery(NDArray q);

    void setKey(NDArray k);

    void setValue(NDArray v);

    /** Multiplier on the logits {@code QKᵀ/√d} of the main stream: the attention temperature τ. Default 1. */
    double logitScale();

    void setLogitScale(double scale);

    /** Adds a decoupled key/value stream (IP-Adapter): its attention output times {@code weight} is added. */
    void addKeyValueStream(NDArray key, NDArray value, double weight);

    /** The step's manager: arrays created here are freed when the step ends. */
    NDManager manager();
}
