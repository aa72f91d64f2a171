package atelier.strategy.styleid;

import ai.djl.ndarray.NDArray;

/**
 * Channel-wise AdaIN of latents: {@code (x − μ_x)/(σ_x + ε)·σ_y + μ_y} with mean and unbiased standard
 * deviation per channel over H×W, as StyleID does for its initial latent (the official code has no ε; a tiny
 * one keeps flat channels finite).
 */
public final class AdaIn {
    /** ε added to the content's standard deviation. */
    public static final float EPS = 1e-5f;

    private AdaIn() { }

    /** @param content {@code [B, C, H, W]}; @param style {@code [1 or B, C, h, w]}; result in content's manager */
    public static NDArray apply(NDArray content, NDArray style) {
        NDArray[] c = stats(content);
        NDArray[] s = stats(style);
        return content.sub(c[0]).divi(c[1].addi(EPS)).muli(s[1]).addi(s[0]);
    }

    /** Mean and unbiased standard deviation per channel, each {@code [B, C, 1, 1]}. */
    static NDArray[] stats(NDArray x) {
        long b = x.getShape().get(0);
        long c = x.getShape().get(1);
        long n = x.getShape().get(2) * x.getShape().get(3);
        NDArray flat = x.reshape(b, c, n);
        NDArray mean = flat.mean(new int[] {2}, true);
        NDArray std = flat.sub(mean).square().sum(new int[] {2}, true).divi(Math.max(n - 1, 1)).sqrt();
        return new NDArray[] {mean.reshape(b, c, 1, 1), std.reshape(b, c, 1, 1)};
    }
}
