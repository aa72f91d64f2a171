package atelier.runtime.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.Linear} over the last dimension of any-rank input, with or without bias. */
public final class Linear {
    private final NDArray weight;
    private final NDArray bias;

    private Linear(NDArray weight, NDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    /** Loads {@code weight [out, in]} and {@code bias [out]}. */
    public static Linear withBias(Weights w, long in, long out) {
        return new Linear(w.get("weight", out, in), w.get("bias", out));
    }

    /** Loads {@code weight [out, in]} only. */
    public static Linear noBias(Weights w, long in, long out) {
        return new Linear(w.get("weight", out, in), null);
    }

    /** From already loaded tensors ({@code weight [out, in]}, bias may be null). */
    public static Linear of(NDArray weight, NDArray bias) {
        return new Linear(weight, bias);
    }

    public NDArray forward(NDArray x) {
        return (bias == null ? ai.djl.nn.core.Linear.linear(x, weight)
                : ai.djl.nn.core.Linear.linear(x, weight, bias)).singletonOrThrow();
    }
}
