package atelier.runtime.text;

import ai.djl.ndarray.NDArray;

/**
 * Output of {@link ClipTextModel#encode}. Both arrays belong to the manager of the ids passed in.
 *
 * @param lastHiddenState {@code [B, T, hidden]} after the final layer norm (the UNet's context)
 * @param pooled {@code [B, hidden]}: the last hidden state at the end-of-text token
 */
public record TextEncoding(NDArray lastHiddenState, NDArray pooled) { }
