package atelier.runtime.ops;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;

/** The fused ops composed from plain DJL operations: works on any engine. */
final class DjlOps implements OpsBackend {
    static final DjlOps INSTANCE = new DjlOps();

    private DjlOps() { }

    @Override
    public String name() { return "djl"; }

    @Override
    public NDArray silu(NDArray x) {
        return Activation.sigmoid(x).muli(x);
    }

    @Override
    public NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    @Override
    public NDArray quickGelu(NDArray x) {
        return Activation.sigmoid(x.mul(1.702f)).muli(x);
    }

    /** One native layer norm over {@code [N, G, C/G·…]} (PLATFORM.md §A.2), then the per-channel affine. */
    @Override
    public NDArray groupNorm(NDArray x, int groups, NDArray weight, NDArray bias, float eps) {
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
        Arrays.fill(affine, 1);
        affine[1] = c;
        return normed.reshape(s).muli(viewIn(weight.reshape(affine), m)).addi(viewIn(bias.reshape(affine), m));
    }

    @Override
    public NDArray groupNormSilu(NDArray x, int groups, NDArray weight, NDArray bias, float eps) {
        NDArray g = groupNorm(x, groups, weight, bias, eps);
        return Activation.sigmoid(g).muli(g);
    }

    /** A view of a weight, moved into the caller's manager so that it is freed with the call, not the model. */
    private static NDArray viewIn(NDArray view, NDManager m) {
        view.attach(m);
        return view;
    }

    @Override
    public NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().tail()), weight, bias, eps).singletonOrThrow();
    }

    /** Largest logits block materialised at once (elements): 256 MiB of float32. */
    static final long MAX_LOGITS = 64L << 20;

    /**
     * {@code softmax(scale·q kᵀ) v}, in query chunks when the full logits matrix would exceed
     * {@link #MAX_LOGITS} elements (a 128×128 latent has 16 384 tokens: 8 heads would need 8.6 GB at once).
     */
    @Override
    public NDArray sdpa(NDArray q, NDArray k, NDArray v, double scale) {
        long[] qs = q.getShape().getShape();
        long rows = qs[qs.length - 2];
        long perRow = q.getShape().size() / rows / qs[qs.length - 1] * k.getShape().get(k.getShape().dimension() - 2);
        long chunk = Math.max(1, MAX_LOGITS / Math.max(1, perRow));
        NDArray kt = k.transpose(0, 1, 3, 2);
        if (chunk >= rows) {
            return attend(q, kt, v, scale);
        }
        NDManager m = q.getManager();
        ai.djl.ndarray.NDList parts = new ai.djl.ndarray.NDList();
        for (long start = 0; start < rows; start += chunk) {
            long end = Math.min(rows, start + chunk);
            try (NDManager sub = m.newSubManager()) {
                NDArray qc = q.get(":, :, " + start + ":" + end + ", :");
                qc.attach(sub);
                NDArray out = attend(qc, kt, v, scale);
                out.attach(m);
                parts.add(out);
            }
        }
        return ai.djl.ndarray.NDArrays.concat(parts, 2);
    }

    private static NDArray attend(NDArray q, NDArray kt, NDArray v, double scale) {
        NDArray logits = q.matMul(kt).muli((float) scale);
        return logits.softmax(-1).matMul(v);
    }
}
