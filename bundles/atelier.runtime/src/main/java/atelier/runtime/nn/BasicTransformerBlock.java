package atelier.runtime.nn;

import ai.djl.ndarray.NDArray;
import atelier.runtime.hooks.Hooks;

/**
 * diffusers {@code BasicTransformerBlock} (layer norms, self- then cross-attention, GEGLU feed-forward):
 * {@code h += attn1(norm1(h)); h += attn2(norm2(h), context); h += ff(norm3(h))}.
 */
public final class BasicTransformerBlock {
    private static final float EPS = 1e-5f;
    private final String path;
    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final FeedForward ff;

    public BasicTransformerBlock(Weights w, String path, long dim, int heads, long dimHead, long crossDim,
            HookPoints points) {
        this.path = path;
        this.norm1 = new LayerNorm(w.sub("norm1"), dim, EPS);
        this.attn1 = Attention.load(w.sub("attn1"), path + ".attn1", dim, 0, heads, dimHead, points);
        this.norm2 = new LayerNorm(w.sub("norm2"), dim, EPS);
        this.attn2 = Attention.load(w.sub("attn2"), path + ".attn2", dim, crossDim, heads, dimHead, points);
        this.norm3 = new LayerNorm(w.sub("norm3"), dim, EPS);
        this.ff = new FeedForward(w.sub("ff"), dim, dim * 4);
        if (points != null) {
            points.feature(path);
        }
    }

    /** @param h {@code [B, N, dim]}; context {@code [B, M, crossDim]} */
    public NDArray forward(NDArray h, NDArray context, Hooks hooks) {
        return Scope.run(() -> {
            NDArray a = h.add(attn1.forward(norm1.forward(h), null, hooks));
            NDArray b = a.add(attn2.forward(norm2.forward(a), context, hooks));
            NDArray c = b.add(Scope.run(() -> ff.forward(norm3.forward(b)), b));
            return hooks.feature(path, c);
        }, h, context);
    }
}
