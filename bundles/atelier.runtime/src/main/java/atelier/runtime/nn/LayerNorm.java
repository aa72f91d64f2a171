package atelier.runtime.nn;

import ai.djl.ndarray.NDArray;
import atelier.runtime.ops.Ops;

/** {@code nn.LayerNorm} over the last dimension, with affine parameters. */
public final class LayerNorm {
    private final float eps;
    private final NDArray weight;
    private final NDArray bias;

    public LayerNorm(Weights w, long dim, float eps) {
        this.eps = eps;
        this.weight = w.get("weight", dim);
        this.bias = w.get("bias", dim);
    }

    public NDArray forward(NDArray x) {
        return Ops.layerNorm(x, weight, bias, eps);
    }
}
