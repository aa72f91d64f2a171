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

    @Override
    public NDArray forward(NDArray x) {
        if (pool != null) {
            NDArray p = TaesdLayer.conv(x, pool.expand(), null, 1);
            p = Activation.relu(Ops.groupNorm(p, POOL_GROUPS, pool.normWeight(), pool.normBias(), POOL_EPS));
            x = x.add(TaesdLayer.conv(p, pool.project(), null, 1));
        }
        NDArray h = x;
        for (int i = 0; i < convWeights.length; i++) {
            h = TaesdLayer.conv(h, convWeights[i], convBiases[i], 1);
            if (i + 1 < convWeights.length) {
                h = Activation.relu(h);
            }
        }
        NDArray s = skip == null ? x : TaesdLayer.conv(x, skip, null, 1);
        return Activation.relu(h.addi(s));
    }
}
