package atelier.runtime.nn;

import ai.djl.ndarray.NDArray;
import atelier.runtime.ops.Ops;

/** diffusers {@code TimestepEmbedding}: {@code linear_1 → silu → linear_2}. */
public final class TimestepEmbedding {
    private final Linear linear1;
    private final Linear linear2;

    public TimestepEmbedding(Weights w, long in, long dim) {
        this.linear1 = Linear.withBias(w.sub("linear_1"), in, dim);
        this.linear2 = Linear.withBias(w.sub("linear_2"), dim, dim);
    }

    public NDArray forward(NDArray x) {
        return linear2.forward(Ops.silu(linear1.forward(x)));
    }
}
