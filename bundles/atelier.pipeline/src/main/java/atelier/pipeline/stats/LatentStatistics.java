package atelier.pipeline.stats;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Channel statistics of latents {@code [1, C, H, W]} and the two classic ways to impose a style's statistics on
 * a content latent: AdaIN (per-channel mean and standard deviation over H×W) and WCT (whitening with the
 * content's channel covariance, colouring with the style's). Content and style may differ in H×W.
 * Results land in the content's manager; call inside a sub-manager to free intermediates.
 */
public final class LatentStatistics {
    /** Default regulariser added to variances and covariance diagonals. */
    public static final double EPS = 1e-5;

    private LatentStatistics() { }

    /** Per-channel mean over H×W, shape {@code [1, C, 1, 1]}. */
    public static NDArray channelMean(NDArray latent) {
        check(latent, "latent");
        return spatialMean(latent);
    }

    /** Per-channel standard deviation over H×W (population, plus {@code eps} on the variance), {@code [1,C,1,1]}. */
    public static NDArray channelStd(NDArray latent, double eps) {
        check(latent, "latent");
        NDArray centred = latent.sub(channelMean(latent));
        return spatialMean(centred.square()).add((float) eps).sqrt();
    }

    /** AdaIN: {@code (x − μ_c)/σ_c · σ_s + μ_s} per channel. */
    public static NDArray adain(NDArray content, NDArray style, double eps) {
        checkPair(content, style);
        NDArray cm = channelMean(content);
        NDArray cs = channelStd(content, eps);
        NDArray sm = channelMean(style);
        NDArray ss = channelStd(style, eps);
        return content.sub(cm).divi(cs).muli(ss).addi(sm);
    }

    /**
     * WCT: {@code Σ_s^{1/2} Σ_c^{-1/2} (x − μ_c) + μ_s}, with channel covariances Σ over H×W (each plus
     * {@code eps·I}). The eigen-decompositions of the C×C matrices are done in doubles ({@link SymmetricEigen}).
     * The result's channel covariance equals the style's up to {@code eps}.
     */
    public static NDArray wct(NDArray content, NDArray style, double eps) {
        checkPair(content, style);
        Shape shape = content.getShape();
        int c = (int) shape.get(1);
        NDArray fc = content.reshape(c, -1);
        NDArray mc = fc.mean(new int[] {1}, true);
        NDArray fc0 = fc.sub(mc);
        NDArray ms = style.reshape(c, -1).mean(new int[] {1}, true);

        double[][] covC = covariance(content);
        double[][] covS = covariance(style);
        for (int i = 0; i < c; i++) {
            covC[i][i] += eps;
            covS[i][i] += eps;
        }
        double[][] whiten = SymmetricEigen.of(covC).apply(l -> 1 / Math.sqrt(l), eps);
        double[][] colour = SymmetricEigen.of(covS).apply(Math::sqrt, 0);
        double[][] t = multiply(colour, whiten);
        float[] flat = new float[c * c];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) {
                flat[i * c + j] = (float) t[i][j];
            }
        }
        NDArray tm = content.getManager().create(flat, new Shape(c, c));
        return tm.matMul(fc0).addi(ms).reshape(shape);
    }

    /** Channel covariance over H×W (unbiased, divided by H·W − 1), C×C in doubles. */
    public static double[][] covariance(NDArray latent) {
        check(latent, "latent");
        int c = (int) latent.getShape().get(1);
        long n = latent.getShape().get(2) * latent.getShape().get(3);
        if (n < 2) {
            throw new IllegalArgumentException("covariance needs at least 2 positions, latent is " + latent.getShape());
        }
        NDArray f = latent.reshape(c, -1);
        NDArray f0 = f.sub(f.mean(new int[] {1}, true));
        float[] cov = f0.matMul(f0.transpose()).div((float) (n - 1)).toType(DataType.FLOAT32, false).toFloatArray();
        double[][] r = new double[c][c];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) {
                r[i][j] = 0.5 * (cov[i * c + j] + cov[j * c + i]);
            }
        }
        return r;
    }

    /** Mean over H×W of {@code [1, C, H, W]} as {@code [1, C, 1, 1]} (the engine reduces one axis at a time). */
    private static NDArray spatialMean(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2}, true).reshape(s.get(0), s.get(1), 1, 1);
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] r = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                double v = a[i][p];
                for (int j = 0; j < m; j++) {
                    r[i][j] += v * b[p][j];
                }
            }
        }
        return r;
    }

    private static void check(NDArray x, String what) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(0) != 1) {
            throw new IllegalArgumentException(what + " must be [1,C,H,W], got " + s);
        }
    }

    private static void checkPair(NDArray content, NDArray style) {
        check(content, "content latent");
        check(style, "style latent");
        if (content.getShape().get(1) != style.getShape().get(1)) {
            throw new IllegalArgumentException("content and style latents have different channel counts: "
                    + content.getShape() + " vs " + style.getShape());
        }
    }
}
