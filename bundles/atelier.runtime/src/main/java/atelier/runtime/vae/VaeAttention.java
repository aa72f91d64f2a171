package atelier.runtime.vae;

import ai.djl.ndarray.NDArray;
import atelier.runtime.hooks.Hooks;
import atelier.runtime.nn.Attention;
import atelier.runtime.nn.GroupNorm;
import atelier.runtime.nn.Linear;
import atelier.runtime.nn.Scope;
import atelier.runtime.nn.Weights;

/**
 * The autoencoder's mid-block self-attention (one head over all channels): {@code group_norm}, attention over the
 * {@code H·W} positions, {@code to_out.0}, plus the input. Reads the current key names
 * ({@code to_q/to_k/to_v/to_out.0}) or the legacy ones ({@code query/key/value/proj_attn}, also as 1×1
 * convolution weights).
 */
final class VaeAttention {
    private static final float EPS = 1e-6f;
    private final GroupNorm norm;
    private final Attention attention;

    VaeAttention(Weights w, long channels, int groups) {
        this.norm = new GroupNorm(w.sub("group_norm"), groups, channels, EPS);
        boolean legacy = !w.has("to_q.weight") && w.has("query.weight");
        Linear q = linear(w, legacy ? "query" : "to_q", channels);
        Linear k = linear(w, legacy ? "key" : "to_k", channels);
        Linear v = linear(w, legacy ? "value" : "to_v", channels);
        Linear o = linear(w, legacy ? "proj_attn" : "to_out.0", channels);
        this.attention = new Attention(w.prefix() + "attn", q, k, v, o, 1, channels, true, null);
    }

    private static Linear linear(Weights w, String name, long c) {
        String key = name + ".weight";
        if (w.has(key) && w.shape(key).length == 4) {
            NDArray weight = w.get(key, c, c, 1, 1).reshape(c, c);
            return Linear.of(weight, w.get(name + ".bias", c));
        }
        return Linear.withBias(w.sub(name), c, c);
    }

    NDArray forward(NDArray x) {
        return Scope.run(() -> {
            long[] s = x.getShape().getShape();
            NDArray tokens = norm.forward(x).reshape(s[0], s[1], s[2] * s[3]).transpose(0, 2, 1);
            NDArray a = attention.forward(tokens, null, Hooks.none());
            return a.transpose(0, 2, 1).reshape(s).add(x);
        }, x);
    }
}
