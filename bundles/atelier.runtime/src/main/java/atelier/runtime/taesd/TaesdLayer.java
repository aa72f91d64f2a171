package atelier.runtime.taesd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;

/** One entry of a TAESD encoder or decoder sequence. Results land in the input's manager. */
interface TaesdLayer {
    NDArray forward(NDArray x);

    /** ReLU. */
    TaesdLayer RELU = Activation::relu;

    /** Nearest-neighbour ×2 upsampling. */
    TaesdLayer UPSAMPLE = x -> {
        Shape s = x.getShape();
        return x.getNDArrayInternal().interpolation(new long[] {s.get(2) * 2, s.get(3) * 2}, 0, false);
    };

    /** The decoder's soft clamp {@code 3·tanh(z/3)}. */
    TaesdLayer SOFT_CLAMP = x -> x.div(3f).tanh().muli(3f);

    /** A k×k convolution with "same" padding; {@code bias} may be null. */
    static NDArray conv(NDArray x, NDArray weight, NDArray bias, int stride) {
        long k = weight.getShape().get(2);
        long pad = k / 2;
        return Conv2d.conv2d(x, weight, bias, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    /** A convolution layer (3×3 in TAESD), stride 1 or 2. */
    record Conv(NDArray weight, NDArray bias, int stride) implements TaesdLayer {
        @Override
        public NDArray forward(NDArray x) {
            return conv(x, weight, bias, stride);
        }
    }
}
