package org.eigenbasis.resetting;

import java.util.Objects;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.MemoryBudget;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;

/**
 * Monte Carlo of dθ = −(Hθ − b)dt + σ dW with renewal resets to θ₀ (b = Hθ*), in θ-space: eigendecomposes H,
 * runs a {@link org.eigenbasis.spi.ResetSimulationKernel} in eigen-coordinates u = Qᵀ(θ − θ₀) (see
 * {@code docs/resetting-simulator.md}) and rotates the estimates back: mean θ₀ + Q·mean(u), covariance
 * Q·C·Qᵀ. Standard errors: with covariances estimated, the mean's standard errors are exact
 * (sqrt(diag(Q C_X Qᵀ)/(N − 1)) with C_X the covariance across trajectories of the snapshot or time average);
 * without, they are the triangle-inequality upper bound Σ_k |Q_ik|·se_k; covariance standard errors are the upper
 * bound |Q|·SE·|Q|ᵀ (fourth moments across coordinates are not accumulated). For a diagonal H none of this
 * applies: {@link #diagonal} passes the kernel's estimates through unchanged.
 */
public final class ResetSimulator {
    /** Eigenvalues of H down to −this·max|λ| count as rounding of 0; more negative ones are refused. */
    static final double NEGATIVE_TOLERANCE = 1e-12;

    private ResetSimulator() {
    }

    /**
     * θ-space estimates for H = diag(mu) (no rotation), reset to the origin, with EXACT transitions: the kernel's
     * eigen-coordinate estimates are the θ-space ones.
     */
    public static ResetSimulation diagonal(double[] mu, double[] thetaStar, double sigma, RenewalLaw law,
            double horizon, long trajectories, long seed, boolean covariance, Backend backend) {
        Objects.requireNonNull(backend, "backend");
        ResetSimulationConfig config = new ResetSimulationConfig(law, mu, thetaStar, sigma, horizon, trajectories,
                seed, ResetSimulationConfig.Scheme.EXACT, Double.NaN, covariance);
        return run(config, backend);
    }

    /**
     * Runs a config in eigen-coordinates on a backend. Refused before the run, with a
     * {@link org.eigenbasis.value.MemoryLimitException}, when its heap need exceeds the free heap or the machine:
     * 8·(3L + 12d + 3d²·c) bytes, with L = 6d + 5d²·c the length of one set of sums
     * ({@link org.eigenbasis.spi.SimulationSums#length}) and c = 1 with covariances, else 0: the totals, one
     * sub-block's sums and the finished estimates (L each), the per-trajectory vectors (at most 12 d), and with
     * covariances the pair inverses, the trajectory's d × d integral and the θ-space rotation (d² each). Every
     * backend hands the sums back to the heap.
     */
    public static ResetSimulation run(ResetSimulationConfig config, Backend backend) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(backend, "backend");
        long d = config.dimension();
        int c = config.covariance() ? 1 : 0;
        String request = "reset simulation of d = " + d + (c == 1 ? " with covariances" : "") + " on the "
                + backend.name() + " backend";
        long length = MemoryBudget.sum(request, MemoryBudget.bytes(request, 1, 6, d),
                MemoryBudget.bytes(request, 1, 5L * c, d, d));
        long doubles = MemoryBudget.sum(request, MemoryBudget.bytes(request, 1, 3, length),
                MemoryBudget.bytes(request, 1, 12, d), MemoryBudget.bytes(request, 1, 3L * c, d, d));
        MemoryBudget.require(request, MemoryBudget.bytes(request, 8, doubles), 0);
        return backend.resetSimulation().simulate(config);
    }

    /**
     * θ-space estimates for a symmetric positive semi-definite H (d × d, read from the lower triangle, as every
     * eigh of this library), target θ* (the minimiser, b = Hθ*) and reset point θ₀. H is decomposed by
     * {@code backend}'s eigh (so the θ-space bits follow that backend; the kernel's eigen-coordinate sums are
     * identical on java and cpu). Cost: one eigh, the run, and O(d³) rotations with covariances.
     *
     * @throws IllegalArgumentException for a non-square or non-finite H, mismatched lengths, an eigenvalue below
     *                                  −1e-12·max|λ| (slightly negative ones are taken as 0), or any argument the
     *                                  config refuses
     */
    public static ResetSimulation simulate(double[][] h, double[] thetaStar, double[] theta0, double sigma,
            RenewalLaw law, SimulationOptions options, Backend backend) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(backend, "backend");
        int d = checkSquare(h);
        requireVector("thetaStar", thetaStar, d);
        requireVector("theta0", theta0, d);
        double[] mu;
        double[][] q;
        try (BatchedMatrix m = BatchedMatrix.of(h); EighResult eig = SymmetricEigen.on(backend).decompose(m)) {
            if (!eig.converged()) {
                throw new IllegalArgumentException("h: the eigendecomposition did not converge");
            }
            mu = eig.valuesOf(0);
            q = eig.vectorsOf(0);
        }
        double scale = 0;
        for (double v : mu) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int k = 0; k < d; k++) {
            if (mu[k] < 0) {
                if (mu[k] < -NEGATIVE_TOLERANCE * scale) {
                    throw new IllegalArgumentException("h: eigenvalue " + mu[k] + " is negative (below −1e-12·"
                            + scale + "): negative curvature has no stationary state");
                }
                mu[k] = 0;
            }
        }
        double[] diff = new double[d];
        for (int i = 0; i < d; i++) {
            diff[i] = thetaStar[i] - theta0[i];
        }
        double[] a = transposeTimes(q, diff);
        ResetSimulationConfig config = new ResetSimulationConfig(law, mu, a, sigma, options.horizon(),
                options.trajectories(), options.seed(), options.scheme(), options.step(), options.covariance());
        ResetSimulation e = run(config, backend);
        return rotate(e, q, theta0);
    }

    /** Rotates eigen-coordinate estimates to θ-space (see the class comment). */
    static ResetSimulation rotate(ResetSimulation e, double[][] q, double[] theta0) {
        int d = theta0.length;
        long n = e.trajectories();
        double[] snapMean = shift(times(q, e.snapshotMean()), theta0);
        double[] timeMean = shift(times(q, e.timeMean()), theta0);
        double[] snapSe;
        double[] timeSe;
        double[] snapCov = null;
        double[] snapCovSe = null;
        double[] timeCov = null;
        double[] timeCovSe = null;
        double[] timeMeanCov = null;
        if (e.snapshotCovariance() != null) {
            snapCov = congruence(q, e.snapshotCovariance(), d, false);
            timeCov = congruence(q, e.timeCovariance(), d, false);
            timeMeanCov = congruence(q, e.timeMeanCovariance(), d, false);
            snapCovSe = congruence(q, e.snapshotCovarianceStderr(), d, true);
            timeCovSe = congruence(q, e.timeCovarianceStderr(), d, true);
            snapSe = fromCovariance(snapCov, d, n);
            timeSe = fromCovariance(timeMeanCov, d, n);
        } else {
            snapSe = bound(q, e.snapshotMeanStderr());
            timeSe = bound(q, e.timeMeanStderr());
        }
        return new ResetSimulation(n, e.events(), e.seconds(), snapMean, snapSe, timeMean, timeSe, snapCov,
                snapCovSe, timeCov, timeCovSe, timeMeanCov);
    }

    private static double[] fromCovariance(double[] cov, int d, long n) {
        double[] se = new double[d];
        for (int i = 0; i < d; i++) {
            se[i] = n > 1 ? Math.sqrt(Math.max(cov[i * d + i], 0) / (n - 1)) : 0;
        }
        return se;
    }

    private static double[] bound(double[][] q, double[] se) {
        int d = se.length;
        double[] out = new double[d];
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += Math.abs(q[i][k]) * se[k];
            }
            out[i] = s;
        }
        return out;
    }

    /** Q·C·Qᵀ (or |Q|·C·|Q|ᵀ) for row-major d × d C, symmetrised. */
    private static double[] congruence(double[][] q, double[] c, int d, boolean absolute) {
        double[] qc = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < d; k++) {
                double qik = absolute ? Math.abs(q[i][k]) : q[i][k];
                if (qik == 0) {
                    continue;
                }
                for (int l = 0; l < d; l++) {
                    qc[i * d + l] += qik * c[k * d + l];
                }
            }
        }
        double[] out = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int l = 0; l < d; l++) {
                    double qjl = absolute ? Math.abs(q[j][l]) : q[j][l];
                    s += qc[i * d + l] * qjl;
                }
                out[i * d + j] = s;
                out[j * d + i] = s;
            }
        }
        return out;
    }

    private static double[] times(double[][] q, double[] v) {
        int d = v.length;
        double[] out = new double[d];
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += q[i][k] * v[k];
            }
            out[i] = s;
        }
        return out;
    }

    private static double[] transposeTimes(double[][] q, double[] v) {
        int d = v.length;
        double[] out = new double[d];
        for (int i = 0; i < d; i++) {
            double vi = v[i];
            for (int k = 0; k < d; k++) {
                out[k] += q[i][k] * vi;
            }
        }
        return out;
    }

    private static double[] shift(double[] v, double[] by) {
        for (int i = 0; i < v.length; i++) {
            v[i] += by[i];
        }
        return v;
    }

    private static int checkSquare(double[][] h) {
        if (h == null || h.length == 0) {
            throw new IllegalArgumentException("h: must be a non-empty square matrix");
        }
        int d = h.length;
        for (int i = 0; i < d; i++) {
            if (h[i] == null || h[i].length != d) {
                throw new IllegalArgumentException("h: row " + i + " has length "
                        + (h[i] == null ? "null" : h[i].length) + ", must be " + d);
            }
            for (int j = 0; j <= i; j++) {
                if (!Double.isFinite(h[i][j])) {
                    throw new IllegalArgumentException("h[" + i + "][" + j + "]: " + h[i][j] + " is not finite");
                }
            }
        }
        return d;
    }

    private static void requireVector(String name, double[] v, int d) {
        if (v == null || v.length != d) {
            throw new IllegalArgumentException(name + ": length " + (v == null ? "null" : v.length) + " must be "
                    + d);
        }
        for (int i = 0; i < d; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(name + "[" + i + "]: " + v[i] + " is not finite");
            }
        }
    }
}
