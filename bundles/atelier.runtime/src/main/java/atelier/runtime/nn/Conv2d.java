package atelier.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** {@code nn.Conv2d} with a square kernel, bias, stride and symmetric zero padding. */
public final class Conv2d {
    private final NDArray weight;
    private final NDArray bias;
    private final Shape stride;
    private final Shape padding;
    private static final Shape DILATION = new Shape(1, 1);

    /** Loads {@code weight [out, in, k, k]} and {@code bias [out]}. */
    public Conv2d(Weights w, long in, long out, int kernel, int stride, int padding) {
        this.weight = w.get("weight", out, in, kernel, kernel);
        this.bias = w.get("bias", out);
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
    }

    /** 3×3, stride 1, padding 1. */
    public static Conv2d same3x3(Weights w, long in, long out) {
        return new Conv2d(w, in, out, 3, 1, 1);
    }

    /** 1×1. */
    public static Conv2d pointwise(Weights w, long in, long out) {
        return new Conv2d(w, in, out, 1, 1, 0);
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias, stride, padding, DILATION, 1)
                .singletonOrThrow();
    }
}
