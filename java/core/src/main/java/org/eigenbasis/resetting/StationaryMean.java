package org.eigenbasis.resetting;

import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * The stationary mean of gradient flow on ½‖Xθ − y‖² reset to θ₀ at renewal epochs with law τ:
 *
 * <pre>  θ̄ = θ₀ + Q diag(h(μ)/μ) Qᵀ (Xᵀy − XᵀXθ₀),   H = XᵀX = QΛQᵀ,</pre>
 *
 * with h the {@link ResetFilter} of the law (h(μ)/μ is evaluated directly, never as h divided by μ). Directions
 * with eigenvalue ≤ d·ε·‖H‖ are flat: the flow does not move there and θ̄ keeps θ₀'s component. For
 * exp(r) this is exactly the (generalised, centred at θ₀) ridge solution θ₀ + (H + rI)⁻¹(Xᵀy − Hθ₀).
 *
 * <ul>
 *   <li><b>Accuracy</b>: the eigendecomposition's (backward stable, error about κ(H + λ_eff)·ε relative) plus
 *       the filter's (a few ε, or 1e-12 for quadrature laws).</li>
 *   <li><b>Backend</b>: the eigendecompositions run on the default backend ({@link Backends#defaultBackend()}), or
 *       on the one passed (object or name: {@code java}, {@code cpu}, {@code cuda}, {@code auto}); everything
 *       else runs in java. Results agree across backends to the eigensolvers' backward error.</li>
 *   <li><b>Cost</b>: n·d² for H, one eigendecomposition of d × d (about 9d³; one batched call for a batch),
 *       d filter evaluations (microseconds each; tens for quadrature laws).</li>
 *   <li><b>Fails</b> with {@link IllegalArgumentException} naming the argument on null, ragged or non-finite
 *       input and on length or batch mismatches.</li>
 * </ul>
 */
public final class StationaryMean {
    private StationaryMean() {
    }

    /** One data set: x is n × d, y has length n, reset to the origin. */
    public static double[] of(double[][] x, double[] y, RenewalLaw law) {
        int d = requireMatrix("x", x);
        return of(x, y, new double[d], law);
    }

    /** One data set, reset to theta0 (length d). */
    public static double[] of(double[][] x, double[] y, double[] theta0, RenewalLaw law) {
        return of(x, y, theta0, law, (Backend) null);
    }

    /** One data set, reset to theta0, eigendecomposed on the backend named {@code backend} (see {@link Backends}). */
    public static double[] of(double[][] x, double[] y, double[] theta0, RenewalLaw law, String backend) {
        return of(x, y, theta0, law, selectBackend(backend));
    }

    /** One data set, reset to theta0, eigendecomposed on {@code backend} (null: the default backend). */
    public static double[] of(double[][] x, double[] y, double[] theta0, RenewalLaw law, Backend backend) {
        int d = requireMatrix("x", x);
        OuResetMoments.requireVector("y", y, x.length);
        OuResetMoments.requireVector("theta0", theta0, d);
        OuResetMoments.requireLaw(law);
        double[][] h = gram(x, d);
        double[] rhs = residualGradient(x, y, theta0, h);
        if (d == 0) {
            return new double[0];
        }
        try (BatchedMatrix hb = BatchedMatrix.of(h); EighResult eig = eigen(backend).decompose(hb)) {
            return solve(eig.valuesOf(0), eig.vectorsOf(0), rhs, theta0, ResetFilter.of(law));
        }
    }

    /** A batch: x is B × n × d, y is B × n × 1 (f32 or f64); returns B × d × 1 (f64, heap), reset to the origin. */
    public static BatchedMatrix of(BatchedMatrix x, BatchedMatrix y, RenewalLaw law) {
        return of(x, y, law, (Backend) null);
    }

    /** A batch as {@link #of(BatchedMatrix, BatchedMatrix, RenewalLaw)}, eigendecomposed on the backend named. */
    public static BatchedMatrix of(BatchedMatrix x, BatchedMatrix y, RenewalLaw law, String backend) {
        return of(x, y, law, selectBackend(backend));
    }

    /**
     * A batch as {@link #of(BatchedMatrix, BatchedMatrix, RenewalLaw)}, with the B eigendecompositions in one
     * batched call on {@code backend} (null: the default backend).
     */
    public static BatchedMatrix of(BatchedMatrix x, BatchedMatrix y, RenewalLaw law, Backend backend) {
        if (x == null || y == null) {
            throw new IllegalArgumentException((x == null ? "x" : "y") + ": null; expected a batch");
        }
        if (x.isClosed() || y.isClosed()) {
            throw new IllegalArgumentException((x.isClosed() ? "x" : "y") + ": is closed");
        }
        OuResetMoments.requireLaw(law);
        int batch = x.batch();
        int n = x.rows();
        int d = x.cols();
        if (y.batch() != batch || y.rows() != n || y.cols() != 1) {
            throw new IllegalArgumentException("y: shape " + y.shape() + " does not match x " + x.shape()
                    + ": expected " + batch + " × " + n + " × 1");
        }
        BatchedMatrix out = BatchedMatrix.zeros(DType.F64, batch, d, 1);
        if (batch == 0 || d == 0) {
            return out;
        }
        double[][][] xs = new double[batch][][];
        double[][] ys = new double[batch][];
        double[] hs = new double[batch * d * d];
        double[][] rhs = new double[batch][];
        double[] zero = new double[d];
        for (int b = 0; b < batch; b++) {
            xs[b] = x.toArray(b);
            double[][] yb = y.toArray(b);
            ys[b] = new double[n];
            for (int i = 0; i < n; i++) {
                ys[b][i] = yb[i][0];
            }
            String where = "[" + b + "]";
            requireFinite("x" + where, xs[b], d);
            OuResetMoments.requireVector("y" + where, ys[b], n);
            double[][] h = gram(xs[b], d);
            for (int i = 0; i < d; i++) {
                System.arraycopy(h[i], 0, hs, (b * d + i) * d, d);
            }
            rhs[b] = residualGradient(xs[b], ys[b], zero, h);
        }
        ResetFilter filter = ResetFilter.of(law);
        try (BatchedMatrix hb = BatchedMatrix.of(hs, batch, d, d);
                EighResult eig = eigen(backend).decompose(hb)) {
            for (int b = 0; b < batch; b++) {
                double[] mean = solve(eig.valuesOf(b), eig.vectorsOf(b), rhs[b], zero, filter);
                out.copyMatrixFrom(b, mean, 0);
            }
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    static SymmetricEigen eigen(Backend backend) {
        return backend == null ? SymmetricEigen.onDefaultBackend() : SymmetricEigen.on(backend);
    }

    /** Backends.select, with a null name refused (the Backend overloads take null for the default). */
    static Backend selectBackend(String name) {
        if (name == null) {
            throw new IllegalArgumentException("backend: null; expected one of " + Backends.names() + " or auto");
        }
        return Backends.select(name);
    }

    private static double[] solve(double[] mu, double[][] q, double[] rhs, double[] theta0, ResetFilter filter) {
        int d = mu.length;
        OuResetMoments.clampCurvatures("XᵀX", mu);
        double[] c = new double[d];
        for (int k = 0; k < d; k++) {
            if (mu[k] == 0) {
                continue;
            }
            double s = 0;
            for (int i = 0; i < d; i++) {
                s += q[i][k] * rhs[i];
            }
            c[k] = s * filter.hOverMu(mu[k]);
        }
        double[] out = theta0.clone();
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += q[i][k] * c[k];
            }
            out[i] += s;
        }
        return out;
    }

    /** XᵀX, exactly symmetric. */
    private static double[][] gram(double[][] x, int d) {
        double[][] h = new double[d][d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                double xi = row[i];
                if (xi == 0) {
                    continue;
                }
                double[] hi = h[i];
                for (int j = 0; j <= i; j++) {
                    hi[j] += xi * row[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                h[j][i] = h[i][j];
            }
        }
        return h;
    }

    /** Xᵀy − Hθ₀. */
    private static double[] residualGradient(double[][] x, double[] y, double[] theta0, double[][] h) {
        int d = theta0.length;
        double[] r = new double[d];
        for (int row = 0; row < x.length; row++) {
            for (int i = 0; i < d; i++) {
                r[i] += x[row][i] * y[row];
            }
        }
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += h[i][j] * theta0[j];
            }
            r[i] -= s;
        }
        return r;
    }

    private static int requireMatrix(String name, double[][] x) {
        if (x == null) {
            throw new IllegalArgumentException(name + ": null; expected an n × d matrix");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException(name + ": 0 rows is outside [1, 2^31): need at least one sample to"
                    + " know d");
        }
        if (x[0] == null) {
            throw new IllegalArgumentException(name + "[0]: null");
        }
        int d = x[0].length;
        requireFinite(name, x, d);
        return d;
    }

    private static void requireFinite(String name, double[][] x, int d) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null || x[i].length != d) {
                throw new IllegalArgumentException(name + "[" + i + "]: length " + (x[i] == null ? "null" : x[i].length)
                        + " is outside [" + d + ", " + d + "]: every row must have d = " + d + " columns");
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(x[i][j])) {
                    throw new IllegalArgumentException(name + "[" + i + "][" + j + "]: " + x[i][j]
                            + " is outside (−∞, ∞) (finite)");
                }
            }
        }
    }
}
