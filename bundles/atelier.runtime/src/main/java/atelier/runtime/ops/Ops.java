package atelier.runtime.ops;

import ai.djl.ndarray.NDArray;

/**
 * The fused ops the networks use. By default they run as methods of a small TorchScript library generated in
 * Java and loaded into the PyTorch engine (one native kernel per op: fused scaled-dot-product attention,
 * {@code group_norm}, {@code silu}); when that cannot be loaded (another engine, no {@code ai.djl.pytorch}
 * classes, a libtorch without TorchScript) or the system property {@code atelier.ops=djl} is set, the same ops
 * are composed from plain DJL operations. Both give the same numbers within float rounding. Results land in
 * the first input's manager.
 */
public final class Ops {
    /** System property selecting the implementation: {@code djl} forces the pure-DJL composition. */
    public static final String PROPERTY = "atelier.ops";

    private static volatile OpsBackend backend;
    private static volatile String fallbackReason;

    private Ops() { }

    private static OpsBackend backend() {
        OpsBackend b = backend;
        if (b == null) {
            synchronized (Ops.class) {
                b = backend;
                if (b == null) {
                    b = choose();
                    backend = b;
                }
            }
        }
        return b;
    }

    private static OpsBackend choose() {
        if ("djl".equalsIgnoreCase(System.getProperty(PROPERTY, ""))) {
            fallbackReason = "system property " + PROPERTY + "=djl";
            return DjlOps.INSTANCE;
        }
        try {
            return TorchScriptOps.load();
        } catch (Exception | LinkageError e) {
            fallbackReason = "TorchScript ops library unavailable: " + e;
            return DjlOps.INSTANCE;
        }
    }

    /** {@code torchscript} or {@code djl}: which implementation is in use. */
    public static String implementation() { return backend().name(); }

    /** Why the pure-DJL composition is in use, or null when it is not. */
    public static String fallbackReason() {
        backend();
        return fallbackReason;
    }

    /** Testing hook: the pure-DJL backend. */
    static OpsBackend djl() { return DjlOps.INSTANCE; }

    /** Testing hook: the backend chosen at start-up. */
    static OpsBackend active() { return backend(); }

    /** x · sigmoid(x). */
    public static NDArray silu(NDArray x) {
        return backend().silu(x);
    }

    /** GELU, erf form (PyTorch default). */
    public static NDArray gelu(NDArray x) {
        return backend().gelu(x);
    }

    /** x · sigmoid(1.702 x), CLIP's quick_gelu. */
    public static NDArray quickGelu(NDArray x) {
        return backend().quickGelu(x);
    }

    /** Group normalisation of {@code [N, C, …]} over {@code groups} channel groups, then a per-channel affine. */
    public static NDArray groupNorm(NDArray x, int groups, NDArray weight, NDArray bias, float eps) {
        return backend().groupNorm(x, groups, weight, bias, eps);
    }

    /** {@code silu(groupNorm(x))} in one call (the norm-activation pair of every resnet). */
    public static NDArray groupNormSilu(NDArray x, int groups, NDArray weight, NDArray bias, float eps) {
        return backend().groupNormSilu(x, groups, weight, bias, eps);
    }

    /** Layer norm over the last dimension (gamma and beta required). */
    public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        return backend().layerNorm(x, weight, bias, eps);
    }

    /**
     * Scaled-dot-product attention: {@code softmax(scale · q kᵀ) v} over {@code [B, H, N, d]} inputs (k and v
     * {@code [B, H, M, d]}).
     *
     * @param scale multiplier on {@code q kᵀ}, usually {@code 1/√d} (times a temperature)
     */
    public static NDArray sdpa(NDArray q, NDArray k, NDArray v, double scale) {
        return backend().sdpa(q, k, v, scale);
    }
}
