package org.eigenbasis.diffusion;

import java.util.Objects;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;

/**
 * The distribution a linear denoiser generates through training (issue 14, point 1): for data N(0, Σ) with
 * Σ = U diag(λ) Uᵀ, sampling by the probability-flow ODE from N(0, σ_max²I) with the denoiser trained for time τ
 * gives N(0, Σ̃(τ)), Σ̃(τ) = U diag(λ̃_k(τ)) Uᵀ with λ̃_k from {@link ModeDynamics#generatedVariance} (every mode
 * evolves alone because the flow keeps D a function of Σ, see {@link WeightSpaceFlow}). Since Σ and Σ̃ share U,
 * KL(N(0, Σ̃) ‖ N(0, Σ)) = ½(tr(Σ⁻¹Σ̃) − d − ln det(Σ⁻¹Σ̃)) = Σ_k ½(r_k − 1 − ln r_k), r_k = λ̃_k/λ_k.
 *
 * <p>Immutable. Cost: O(d) per τ for the variances and the KL,
 * {@link #covariance} O(d³); {@link #of} adds one O(d³) eigendecomposition.
 */
public final class GeneratedGaussian {
    /**
     * A covariance passes the symmetry check when |Σ_ij − Σ_ji| ≤ 1e-12·max|Σ| for every i, j: a few hundred ulp
     * of the largest entry, room for a covariance accumulated in a different order above and below the diagonal.
     */
    public static final double SYMMETRY_TOLERANCE = 1e-12;
    /** Eigenvectors pass when |(UᵀU − I)_ij| ≤ 1e-10 (an eigh result meets it by orders of magnitude). */
    public static final double ORTHOGONALITY_TOLERANCE = 1e-10;

    private final double[] lambda;
    private final double[][] vectors;
    private final DenoiserModel model;
    private final DiffusionConfig config;

    /**
     * From an eigendecomposition of Σ.
     *
     * @param eigenvalues  λ_k, each finite and ≥ 0
     * @param eigenvectors U, d × d, eigenvector k in column k, orthonormal within {@link #ORTHOGONALITY_TOLERANCE}
     * @throws IllegalArgumentException naming the argument, the index and the legal range
     */
    public GeneratedGaussian(double[] eigenvalues, double[][] eigenvectors, DenoiserModel model,
                             DiffusionConfig config) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(config, "config");
        requireEigenvalues("eigenvalues", eigenvalues);
        int d = eigenvalues.length;
        Objects.requireNonNull(eigenvectors, "eigenvectors");
        if (eigenvectors.length != d) {
            throw new IllegalArgumentException("eigenvectors: " + eigenvectors.length + " rows, expected " + d);
        }
        for (int i = 0; i < d; i++) {
            if (eigenvectors[i] == null || eigenvectors[i].length != d) {
                throw new IllegalArgumentException("eigenvectors: row " + i + " is not of length " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(eigenvectors[i][j])) {
                    throw new IllegalArgumentException("eigenvectors[" + i + "][" + j + "]: " + eigenvectors[i][j]
                            + " is not finite");
                }
            }
        }
        double[][] gram = WeightSpaceFlow.transposeTimes(eigenvectors, eigenvectors);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double dev = Math.abs(gram[i][j] - (i == j ? 1 : 0));
                if (!(dev <= ORTHOGONALITY_TOLERANCE)) {
                    throw new IllegalArgumentException("eigenvectors: (UᵀU − I)[" + i + "][" + j + "] = " + dev
                            + " is outside [0, " + ORTHOGONALITY_TOLERANCE + "] (columns not orthonormal)");
                }
            }
        }
        this.lambda = eigenvalues.clone();
        this.vectors = new double[d][];
        for (int i = 0; i < d; i++) {
            vectors[i] = eigenvectors[i].clone();
        }
        this.model = model;
        this.config = config;
    }

    /**
     * From a covariance matrix: checks it (finite, square, symmetric within {@link #SYMMETRY_TOLERANCE}·max|Σ|),
     * decomposes it with {@link SymmetricEigen#eigh}, and sets eigenvalues within d·2⁻⁵²·max|λ| below 0 (rounding
     * of a positive semi-definite Σ) to 0; a more negative one is refused, naming its index.
     */
    public static GeneratedGaussian of(double[][] covariance, DenoiserModel model, DiffusionConfig config) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(config, "config");
        requireSymmetric("covariance", covariance);
        int d = covariance.length;
        double[] values;
        double[][] u;
        try (EighResult eig = SymmetricEigen.eigh(covariance)) {
            values = eig.valuesOf(0);
            u = eig.vectorsOf(0);
        }
        double scale = 0;
        for (double v : values) {
            scale = Math.max(scale, Math.abs(v));
        }
        double floor = -d * Math.ulp(1.0) * scale;
        for (int k = 0; k < d; k++) {
            if (values[k] < 0 && values[k] >= floor) {
                values[k] = 0;
            } else if (values[k] < floor) {
                throw new IllegalArgumentException("covariance: eigenvalue " + k + " = " + values[k]
                        + " is outside [" + floor + ", ∞) (not positive semi-definite)");
            }
        }
        return new GeneratedGaussian(values, u, model, config);
    }

    /** λ̃_k(τ) for every mode k (order of the eigenvalues given). */
    public double[] variances(double tau) {
        double[] out = new double[lambda.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = ModeDynamics.generatedVariance(model, lambda[k], tau, config);
        }
        return out;
    }

    /** Σ̃(τ) = U diag(λ̃(τ)) Uᵀ, d × d, symmetric by construction. */
    public double[][] covariance(double tau) {
        return rotate(vectors, variances(tau));
    }

    /** U diag(v) Uᵀ, lower triangle computed and mirrored (exactly symmetric); O(d³). */
    static double[][] rotate(double[][] u, double[] v) {
        int d = v.length;
        double[][] c = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += u[i][k] * v[k] * u[j][k];
                }
                c[i][j] = s;
                c[j][i] = s;
            }
        }
        return c;
    }

    /**
     * KL(N(0, Σ̃(τ)) ‖ N(0, Σ)) = Σ_k ½(r_k − 1 − ln r_k); +∞ when some λ_k = 0 (Σ̃ has full rank, Σ does not).
     */
    public double klDivergence(double tau) {
        double[] v = variances(tau);
        double kl = 0;
        for (int k = 0; k < v.length; k++) {
            if (lambda[k] == 0) {
                return Double.POSITIVE_INFINITY;
            }
            kl += ModeDynamics.klDivergence(v[k], lambda[k]);
        }
        return kl;
    }

    /** {@link #klDivergence} at each of {@code taus} (each finite, ≥ 0): the KL through training. */
    public double[] klCurve(double[] taus) {
        Objects.requireNonNull(taus, "taus");
        for (int i = 0; i < taus.length; i++) {
            if (!(taus[i] >= 0) || !Double.isFinite(taus[i])) {
                throw new IllegalArgumentException("taus[" + i + "]: " + taus[i] + " is outside [0, ∞) (finite)");
            }
        }
        double[] out = new double[taus.length];
        for (int i = 0; i < taus.length; i++) {
            out[i] = klDivergence(taus[i]);
        }
        return out;
    }

    /** The eigenvalues λ_k (a copy). */
    public double[] eigenvalues() {
        return lambda.clone();
    }

    /** Refuses a null array or an eigenvalue that is negative or not finite, naming its index. */
    public static void requireEigenvalues(String name, double[] lambda) {
        Objects.requireNonNull(lambda, name);
        for (int k = 0; k < lambda.length; k++) {
            if (!(lambda[k] >= 0) || !Double.isFinite(lambda[k])) {
                throw new IllegalArgumentException(name + "[" + k + "]: " + lambda[k] + " is outside [0, ∞) (finite)");
            }
        }
    }

    /**
     * Refuses a matrix that is null, ragged, not square, not finite (naming the entry), or not symmetric within
     * {@link #SYMMETRY_TOLERANCE}·max|a| (naming the pair and the deviation).
     */
    public static void requireSymmetric(String name, double[][] a) {
        Objects.requireNonNull(a, name);
        int d = a.length;
        if (d == 0) {
            throw new IllegalArgumentException(name + ": 0 × 0, expected d ≥ 1");
        }
        double max = 0;
        for (int i = 0; i < d; i++) {
            if (a[i] == null || a[i].length != d) {
                throw new IllegalArgumentException(name + ": row " + i + " has "
                        + (a[i] == null ? "no" : a[i].length) + " entries, expected " + d + " (square)");
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(a[i][j])) {
                    throw new IllegalArgumentException(name + "[" + i + "][" + j + "]: " + a[i][j] + " is not finite");
                }
                max = Math.max(max, Math.abs(a[i][j]));
            }
        }
        double tol = SYMMETRY_TOLERANCE * max;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                double dev = Math.abs(a[i][j] - a[j][i]);
                if (dev > tol) {
                    throw new IllegalArgumentException(name + ": |a[" + i + "][" + j + "] − a[" + j + "][" + i + "]| = "
                            + dev + " is outside [0, " + tol + "] (symmetric within " + SYMMETRY_TOLERANCE
                            + "·max|a|)");
                }
            }
        }
    }
}
