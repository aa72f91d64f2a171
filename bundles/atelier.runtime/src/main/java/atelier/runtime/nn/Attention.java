package atelier.runtime.nn;

import java.util.List;

import ai.djl.ndarray.NDArray;
import atelier.runtime.hooks.AttentionInvocation;
import atelier.runtime.hooks.Hooks;
import atelier.runtime.injection.AttentionProjections;
import atelier.runtime.ops.Ops;

/**
 * diffusers {@code Attention} on token sequences {@code [B, N, C]}: {@code q = to_q(h)}, {@code k = to_k(c)},
 * {@code v = to_v(c)} (c = h for self-attention), the {@link atelier.api.hooks.AttentionProcessor}s at this
 * path, then per head {@code softmax(τ·QKᵀ/√d)V + Σ wᵢ·softmax(QKᵢᵀ/√d)Vᵢ}, heads merged, {@code to_out.0}.
 * Always computed in float32, so diffusers' {@code upcast_attention} needs nothing extra.
 */
public final class Attention {
    private final String path;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final int heads;
    private final long dimHead;
    private final boolean self;

    /** From loaded projections (e.g. the VAE's legacy {@code query/key/value/proj_attn}). */
    public Attention(String path, Linear toQ, Linear toK, Linear toV, Linear toOut, int heads, long dimHead,
            boolean self, HookPoints points) {
        this.path = path;
        this.toQ = toQ;
        this.toK = toK;
        this.toV = toV;
        this.toOut = toOut;
        this.heads = heads;
        this.dimHead = dimHead;
        this.self = self;
        if (points != null) {
            points.attention(path);
        }
    }

    /**
     * The transformer-block attention: {@code to_q/to_k/to_v} without bias, {@code to_out.0} with bias.
     *
     * @param crossDim width of the context, or 0 for self-attention
     */
    public static Attention load(Weights w, String path, long queryDim, long crossDim, int heads, long dimHead,
            HookPoints points) {
        long inner = heads * dimHead;
        long kvDim = crossDim > 0 ? crossDim : queryDim;
        return new Attention(path, Linear.noBias(w.sub("to_q"), queryDim, inner),
                Linear.noBias(w.sub("to_k"), kvDim, inner), Linear.noBias(w.sub("to_v"), kvDim, inner),
                Linear.withBias(w.sub("to_out.0"), inner, queryDim), heads, dimHead, crossDim <= 0, points);
    }

    public String path() { return path; }

    /** The module's own projections, offered to processors (stored hidden states → Q, K, V). */
    private final AttentionProjections projections = new AttentionProjections() {
        @Override
        public NDArray projectQuery(NDArray h) { return toQ.forward(h); }

        @Override
        public NDArray projectKey(NDArray c) { return toK.forward(c); }

        @Override
        public NDArray projectValue(NDArray c) { return toV.forward(c); }
    };

    public int heads() { return heads; }

    /**
     * @param hidden  {@code [B, N, queryDim]}
     * @param context {@code [B, M, crossDim]}, or null for self-attention
     */
    public NDArray forward(NDArray hidden, NDArray context, Hooks hooks) {
        return Scope.run(() -> {
            NDArray ctx = context == null ? hidden : context;
            NDArray q = toQ.forward(hidden);
            NDArray k = toK.forward(ctx);
            NDArray v = toV.forward(ctx);
            double scale = 1.0 / Math.sqrt(dimHead);
            NDArray o;
            if (hooks.hasAttention(path)) {
                AttentionInvocation call = hooks.attention(path, self, heads, hidden, ctx, q, k, v, projections);
                o = attend(call.query(), call.key(), call.value(), scale * call.logitScale());
                List<AttentionInvocation.KeyValueStream> streams = call.streams();
                for (AttentionInvocation.KeyValueStream s : streams) {
                    // the ops library's sdpa may return an inference tensor: no in-place op on it
                    o = o.add(attend(call.query(), s.key(), s.value(), scale).mul(s.weight()));
                }
            } else {
                o = attend(q, k, v, scale);
            }
            return hooks.feature(path, toOut.forward(o));
        }, hidden, context);
    }

    /** {@code [B, N, H·d]} query against {@code [B, M, H·d]} key/value, result {@code [B, N, H·d]}. */
    private NDArray attend(NDArray q, NDArray k, NDArray v, double scale) {
        long b = q.getShape().get(0);
        long n = q.getShape().get(1);
        long m = k.getShape().get(1);
        NDArray qh = q.reshape(b, n, heads, dimHead).transpose(0, 2, 1, 3);
        NDArray kh = k.reshape(b, m, heads, dimHead).transpose(0, 2, 1, 3);
        NDArray vh = v.reshape(b, m, heads, dimHead).transpose(0, 2, 1, 3);
        NDArray o = Ops.sdpa(qh, kh, vh, scale);
        return o.transpose(0, 2, 1, 3).reshape(b, n, heads * dimHead);
    }
}
