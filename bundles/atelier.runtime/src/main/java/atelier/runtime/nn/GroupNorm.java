package atelier.runtime.nn;

import ai.djl.ndarray.NDArray;
import atelier.runtime.ops.Ops;

/** {@code nn.GroupNorm} with affine parameters, over {@code [N, C, …]}. */
public final class GroupNorm {
    private final int groups;
    private final float eps;
    private final NDArray weight;
    private final NDArray bias;

    public GroupNorm(Weights w, int groups, long channels, float eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(w.prefix() + ": " + channels + " channels cannot be split into "
                    + groups + " groups");
        }
        this.groups = groups;
        this.eps = eps;
        this.weight = w.get("weight", channels);
        this.bias = w.get("bias", channels);
    }

    public NDArray forward(NDArray x) {
        return Ops.groupNorm(x, groups, weight, bias, eps);
    }

    /** {@code silu(forward(x))}, fused where the ops library allows. */
    public NDArray forwardSilu(NDArray x) {
        return Ops.groupNormSilu(x, groups, weight, bias, eps);
    }
}
