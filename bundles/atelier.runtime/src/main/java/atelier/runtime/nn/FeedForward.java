package atelier.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import atelier.runtime.ops.Ops;

/** diffusers {@code FeedForward} with GEGLU: {@code net.0.proj} to 2×inner, {@code a · gelu(gate)}, {@code net.2}. */
public final class FeedForward {
    private final Linear proj;
    private final Linear out;

    public FeedForward(Weights w, long dim, long inner) {
        this.proj = Linear.withBias(w.sub("net.0.proj"), dim, inner * 2);
        this.out = Linear.withBias(w.sub("net.2"), inner, dim);
    }

    public NDArray forward(NDArray x) {
        NDArray p = proj.forward(x);
        NDList parts = p.split(2, p.getShape().dimension() - 1);
        return out.forward(parts.get(0).mul(Ops.gelu(parts.get(1))));
    }
}
