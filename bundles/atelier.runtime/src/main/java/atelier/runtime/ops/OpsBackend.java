package atelier.runtime.ops;

import ai.djl.ndarray.NDArray;

/** One implementation of the fused ops (see {@link Ops} for their meaning). */
interface OpsBackend {
    String name();

    NDArray silu(NDArray x);

    NDArray gelu(NDArray x);

    NDArray quickGelu(NDArray x);

    NDArray groupNorm(NDArray x, int groups, NDArray weight, NDArray bias, float eps);

    NDArray groupNormSilu(NDArray x, int groups, NDArray weight, NDArray bias, float eps);

    NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps);

    NDArray sdpa(NDArray q, NDArray k, NDArray v, double scale);
}
