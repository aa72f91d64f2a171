package atelier.runtime.taesd;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import atelier.runtime.ops.Ops;

/**
 * TAESD's residual block: {@code relu(conv(relu(conv(relu(conv(x))))) + skip(x))}, where skip is a 1×1
 * convolution when the channel count changes. TAEF2's low-resolution blocks first add a "pool" branch,
 * {@code x + conv1x1(relu(groupNorm4(conv1x1(x))))} with a 4× wider hidden layer.
 */
final class TinyBlock implements TaesdLayer {
    static final int POOL_GROUPS = 4;
    static final float POOL_EPS = 1e-5f;

    private final NDArray[] convWeights;
    private final NDArray[] convBiases;
    private final NDArray skip;
    private final Pool pool;

    /** The GroupNorm branch; all fields non-null. */
    record Pool(NDArray expand, NDArray normWeight, NDArray normBias, NDArray project) { }

    TinyBlock(NDArray[] convWeights, NDArray[] convBiases, NDArray skip, Pool pool) {
        this.convWeights = convWeights.clone();
        this.convBiases = convBiases.clone();
        this.skip = skip;
        this.pool = pool;
    }

    boolean hasPool() { return pool != null; }

    long outChannels() { return convWeights[convWeights.length - 1].getShape().get(0); }

    /** Intermediates are closed as soon as the next one exists (large maps: the pool branch is 4× wide). */
    @Override
    public NDArray forward(NDArray x) {
        NDArray in = x;
        if (pool != null) {
            NDArray expanded = TaesdLayer.conv(x, pool.expand(), null, 1);
            NDArray normed = Ops.groupNorm(expanded, POOL_GROUPS, pool.normWeight(), pool.normBias(), POOL_EPS);
            expanded.close();
            NDArray p = Activation.relu(normed);
            normed.close();
            NDArray projected = TaesdLayer.conv(p, pool.project(), null, 1);
            p.close();
            x = x.add(projected);
            projected.close();
        }
        NDArray h = x;
        for (int i = 0; i < convWeights.length; i++) {
            NDArray next = TaesdLayer.conv(h, convWeights[i], convBiases[i], 1);
            if (h != x) {
                h.close();
            }
            h = next;
            if (i + 1 < convWeights.length) {
                next = Activation.relu(h);
                h.close();
                h = next;
            }
        }
        NDArray s = skip == null ? x : TaesdLayer.conv(x, skip, null, 1);
        NDArray out = Activation.relu(h.addi(s));
        h.close();
        if (s != x) {
            s.close();
        }
        if (x != in) {
            x.close();
        }
        return out;
    }
}
