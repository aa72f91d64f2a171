package atelier.pipeline.stats;

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations, in doubles. Exact to machine
 * precision for the C×C channel covariances of latents (C ≤ a few hundred).
 */
public final class SymmetricEigen {
    private final double[] values;
    private final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** Eigenvalues (unsorted), index-aligned with the columns of {@link #vectors()}. */
    public double[] values() { return values.clone(); }

    /** Orthonormal eigenvectors as columns: {@code A = V diag(values) Vᵀ}. */
    public double[][] vectors() {
        double[][] c = new double[vectors.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = vectors[i].clone();
        }
        return c;
    }

    /**
     * Decomposes {@code a} (n×n, symmetric; only its symmetric part is used).
     *
     * @throws IllegalArgumentException if it is not square or holds non-finite values
     */
    public static SymmetricEigen of(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("matrix is not square: row " + i + " has " + a[i].length
                        + " values, expected " + n);
            }
            for (int j = 0; j < n; j++) {
                double v = 0.5 * (a[i][j] + a[j][i]);
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("matrix holds a non-finite value at (" + i + "," + j + ")");
                }
                m[i][j] = v;
            }
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double total = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double sq = m[i][j] * m[i][j];
                    total += sq;
                    if (i != j) {
                        off += sq;
                    }
                }
            }
            if (off <= 1e-30 * Math.max(total, Double.MIN_NORMAL)) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = m[p][q];
                    if (apq == 0) {
                        continue;
                    }
                    double theta = (m[q][q] - m[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double mkp = m[k][p];
                        double mkq = m[k][q];
                        m[k][p] = c * mkp - s * mkq;
                        m[k][q] = s * mkp + c * mkq;
                    }
                    for (int k = 0; k < n; k++) {
                        double mpk = m[p][k];
                        double mqk = m[q][k];
                        m[p][k] = c * mpk - s * mqk;
                        m[q][k] = s * mpk + c * mqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = m[i][i];
        }
        return new SymmetricEigen(values, v);
    }

    /**
     * {@code V diag(f(λ)) Vᵀ}: a function of the matrix, e.g. {@code λ → 1/√λ} for whitening. Eigenvalues are
     * first clamped to at least {@code floor}.
     */
    public double[][] apply(java.util.function.DoubleUnaryOperator f, double floor) {
        int n = values.length;
        double[] fl = new double[n];
        for (int k = 0; k < n; k++) {
            fl[k] = f.applyAsDouble(Math.max(values[k], floor));
        }
        double[][] r = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += vectors[i][k] * fl[k] * vectors[j][k];
                }
                r[i][j] = s;
                r[j][i] = s;
            }
        }
        return r;
    }
}
