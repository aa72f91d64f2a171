package atelier.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;

/**
 * The fused ops the networks use. This first version is the pure-DJL composition; a TorchScript-backed
 * implementation replaces the bodies where the engine supports it (same numbers, fewer passes).
 */
public final class Ops {
    private Ops() { }

    /** x · sigmoid(x). */
    public static NDArray silu(NDArray x) {
        return Activation.sigmoid(x).muli(x);
    }

    /** GELU, erf form (PyTorch default). */
    public static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    /** x · sigmoid(1.702 x), CLIP's quick_gelu. */
    public static NDArray quickGelu(NDArray x) {
        return Activation.sigmoid(x.mul(1.702f)).muli(x);
    }

    /**
     * Group normalisation of {@code [N, C, …]} over {@code groups} channel groups, then a per-channel affine.
     * Implemented as one native layer norm over {@code [N, G, C/G·…]} (PLATFORM.md §A.2).
     */
    public static NDArray groupNorm(NDArray x, int groups, NDArray weight, NDArray bias, float eps) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long rest = s.size() / (n * c);
        NDManager m = x.getManager();
        long groupSize = c / groups * rest;
        NDArray grouped = x.reshape(n, groups, groupSize);
        NDArray ones = m.ones(new Shape(groupSize));
        NDArray zeros = m.zeros(new Shape(groupSize));
        NDArray normed = LayerNorm.layerNorm(grouped, new Shape(groupSize), ones, zeros, eps).singletonOrThrow();
        long[] affine = new long[s.dimension()];
        java.util.Arrays.fill(affine, 1);
        affine[1] = c;
        return normed.reshape(s).muli(viewIn(weight.reshape(affine), m)).addi(viewIn(bias.reshape(affine), m));
    }

    /** A view of a weight, moved into the caller's manager so that it is freed with the call, not the model. */
    private static NDArray viewIn(NDArray view, NDManager m) {
        view.attach(m);
        return view;
    }

    /** Layer norm over the last dimension. */
    public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().tail()), weight, bias, eps).singletonOrThrow();
    }

    /**
     * Scaled-dot-product attention: {@code softmax(scale · q kᵀ) v} over {@code [B, H, N, d]} inputs.
     *
     * @param scale multiplier on {@code q kᵀ}, usually {@code 1/√d} (times a temperature)
     */
    public static NDArray sdpa(NDArray q, NDArray k, NDArray v, double scale) {
        NDArray logits = q.matMul(k.transpose(0, 1, 3, 2)).muli((float) scale);
        return logits.softmax(-1).matMul(v);
    }
}
