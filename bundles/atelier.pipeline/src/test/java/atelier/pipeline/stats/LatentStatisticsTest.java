package atelier.pipeline.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class LatentStatisticsTest {

    private static double[][] randomSymmetric(Random r, int n) {
        double[][] b = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                b[i][j] = r.nextGaussian();
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += b[i][k] * b[j][k];
                }
                a[i][j] = s;
            }
        }
        return a;
    }

    @Test
    void jacobiReconstructsRandomSymmetricMatrices() {
        Random r = new Random(7);
        for (int n : new int[] {1, 2, 4, 16, 32}) {
            double[][] a = randomSymmetric(r, n);
            SymmetricEigen e = SymmetricEigen.of(a);
            double[][] back = e.apply(l -> l, -Double.MAX_VALUE);
            double[][] v = e.vectors();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(a[i][j], back[i][j], 1e-9 * (1 + Math.abs(a[i][j])), "n=" + n);
                    double dot = 0;
                    for (int k = 0; k < n; k++) {
                        dot += v[k][i] * v[k][j];
                    }
                    assertEquals(i == j ? 1 : 0, dot, 1e-10, "orthonormal eigenvectors");
                }
            }
            // A^{1/2} · A^{1/2} = A
            double[][] root = e.apply(Math::sqrt, 0);
            double[][] sq = LatentStatistics.multiply(root, root);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(a[i][j], sq[i][j], 1e-8 * (1 + Math.abs(a[i][j])));
                }
            }
        }
    }

    @Test
    void jacobiHandlesDiagonalAndDegenerateMatrices() {
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{3, 0}, {0, 3}});
        assertEquals(3, e.values()[0], 0);
        assertEquals(3, e.values()[1], 0);
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{1, 2}}));
    }

    /** Latent with correlated channels: mixing matrix times noise plus per-channel offsets. */
    private static NDArray correlated(NDManager m, long seed, int c, int h, int w, float offset) {
        NDManager.class.getName();
        Random r = new Random(seed);
        float[] mix = new float[c * c];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = (float) r.nextGaussian();
        }
        float[] noise = new float[c * h * w];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) r.nextGaussian();
        }
        NDArray z = m.create(mix, new Shape(c, c)).matMul(m.create(noise, new Shape(c, h * w)));
        return z.add(offset).reshape(1, c, h, w);
    }

    @Test
    void adainMatchesPerChannelMeanAndStd() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray content = correlated(m, 1, 8, 12, 10, 0.5f);
            NDArray style = correlated(m, 2, 8, 9, 17, -2f).mul(3);
            NDArray out = LatentStatistics.adain(content, style, 1e-6);
            float[] om = LatentStatistics.channelMean(out).toFloatArray();
            float[] sm = LatentStatistics.channelMean(style).toFloatArray();
            float[] os = LatentStatistics.channelStd(out, 0).toFloatArray();
            float[] ss = LatentStatistics.channelStd(style, 0).toFloatArray();
            for (int i = 0; i < 8; i++) {
                assertEquals(sm[i], om[i], 1e-3 * (1 + Math.abs(sm[i])));
                assertEquals(ss[i], os[i], 1e-3 * ss[i]);
            }
            assertEquals(content.getShape(), out.getShape());
        }
    }

    @Test
    void wctMatchesTheStyleCovarianceAndMean() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray content = correlated(m, 3, 16, 20, 24, 1f);
            NDArray style = correlated(m, 4, 16, 15, 13, -1f);
            NDArray out = LatentStatistics.wct(content, style, 1e-6);
            double[][] co = LatentStatistics.covariance(out);
            double[][] cs = LatentStatistics.covariance(style);
            double[][] cc = LatentStatistics.covariance(content);
            double errOut = 0;
            double errContent = 0;
            double norm = 0;
            for (int i = 0; i < 16; i++) {
                for (int j = 0; j < 16; j++) {
                    errOut = Math.max(errOut, Math.abs(co[i][j] - cs[i][j]));
                    errContent = Math.max(errContent, Math.abs(cc[i][j] - cs[i][j]));
                    norm = Math.max(norm, Math.abs(cs[i][j]));
                }
            }
            assertTrue(errOut < 1e-3 * norm, "covariance off by " + errOut + " (scale " + norm + ")");
            assertTrue(errContent > 0.1 * norm, "the test needs a content that differs from the style");
            float[] om = LatentStatistics.channelMean(out).toFloatArray();
            float[] sm = LatentStatistics.channelMean(style).toFloatArray();
            for (int i = 0; i < 16; i++) {
                assertEquals(sm[i], om[i], 1e-3);
            }
        }
    }

    @Test
    void wctOfAnImageWithItselfIsTheIdentity() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray content = correlated(m, 5, 4, 16, 16, 0.3f);
            NDArray out = LatentStatistics.wct(content, content, 1e-8);
            assertTrue(out.sub(content).abs().max().getFloat() < 1e-3);
        }
    }

    @Test
    void refusesMismatchedChannels() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LatentStatistics.adain(m.zeros(new Shape(1, 4, 2, 2)), m.zeros(new Shape(1, 16, 2, 2)), 1e-5));
            assertTrue(e.getMessage().contains("(1, 4, 2, 2)") && e.getMessage().contains("(1, 16, 2, 2)"),
                    e.getMessage());
        }
    }
}
