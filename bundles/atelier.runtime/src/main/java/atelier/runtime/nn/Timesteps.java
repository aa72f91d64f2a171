package atelier.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * diffusers {@code get_timestep_embedding}: sinusoidal features of the (float) timesteps,
 * {@code exp(-ln(10000)·i/(half − freqShift))} for {@code i < half}, sine then cosine (cosine first when
 * {@code flipSinToCos}).
 */
public final class Timesteps {
    private final int dim;
    private final boolean flipSinToCos;
    private final float freqShift;
    private final float scale;

    public Timesteps(int dim, boolean flipSinToCos, float freqShift, float scale) {
        this.dim = dim;
        this.flipSinToCos = flipSinToCos;
        this.freqShift = freqShift;
        this.scale = scale;
    }

    /** @param timesteps {@code [B]} of any numeric type; result {@code [B, dim]} float32 in its manager */
    public NDArray forward(NDArray timesteps) {
        NDManager m = timesteps.getManager();
        int half = dim / 2;
        NDArray exponent = m.arange(0f, half, 1f, DataType.FLOAT32).muli(-Math.log(10000.0))
                .divi(half - freqShift);
        NDArray freqs = exponent.exp();
        NDArray args = timesteps.toType(DataType.FLOAT32, false).expandDims(1).mul(freqs.expandDims(0));
        if (scale != 1f) {
            args = args.muli(scale);
        }
        NDArray sin = args.sin();
        NDArray cos = args.cos();
        NDArray emb = flipSinToCos ? NDArrays.concat(new ai.djl.ndarray.NDList(cos, sin), 1)
                : NDArrays.concat(new ai.djl.ndarray.NDList(sin, cos), 1);
        if (dim % 2 == 1) {
            emb = emb.pad(new ai.djl.ndarray.types.Shape(0, 1), 0);
        }
        return emb;
    }
}
