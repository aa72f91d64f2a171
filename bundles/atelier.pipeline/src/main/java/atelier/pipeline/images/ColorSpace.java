package atelier.pipeline.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;

/** Colour conversions on {@code [B, 3, H, W]} RGB arrays in [0, 1] (full-range BT.601 YCbCr, as in JPEG). */
public final class ColorSpace {
    private ColorSpace() { }

    /** RGB → YCbCr, with Cb and Cr centred on 0.5. */
    public static NDArray rgbToYCbCr(NDArray rgb) {
        NDArray r = rgb.get(":, 0:1");
        NDArray g = rgb.get(":, 1:2");
        NDArray b = rgb.get(":, 2:3");
        NDArray y = r.mul(0.299f).addi(g.mul(0.587f)).addi(b.mul(0.114f));
        NDArray cb = b.sub(y).divi(1.772f).addi(0.5f);
        NDArray cr = r.sub(y).divi(1.402f).addi(0.5f);
        return NDArrays.concat(new NDList(y, cb, cr), 1);
    }

    /** YCbCr → RGB (inverse of {@link #rgbToYCbCr}). */
    public static NDArray yCbCrToRgb(NDArray ycc) {
        NDArray y = ycc.get(":, 0:1");
        NDArray cb = ycc.get(":, 1:2").sub(0.5f);
        NDArray cr = ycc.get(":, 2:3").sub(0.5f);
        NDArray r = y.add(cr.mul(1.402f));
        NDArray g = y.sub(cb.mul(0.344136f)).subi(cr.mul(0.714136f));
        NDArray b = y.add(cb.mul(1.772f));
        return NDArrays.concat(new NDList(r, g, b), 1);
    }

    /**
     * The luminance of {@code lumaSource} with the chrominance of {@code chromaSource} (same shape): keeps a
     * content image's colours while taking the stylised structure and tone. Result clipped to [0, 1].
     */
    public static NDArray lumaWithChroma(NDArray lumaSource, NDArray chromaSource) {
        NDArray y = rgbToYCbCr(lumaSource).get(":, 0:1");
        NDArray cbcr = rgbToYCbCr(chromaSource).get(":, 1:3");
        return yCbCrToRgb(NDArrays.concat(new NDList(y, cbcr), 1)).clip(0f, 1f);
    }
}
