package org.eigenbasis.basis;

import java.util.Objects;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.InfluenceKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * One basis-aware diagonal optimizer for a flat parameter vector θ ∈ ℝᵈ (issue 13, point 1): every step is
 * <pre>
 *   g̃ = Uᵀg;   step = rule(g̃);   θ ← θ − lr·U·step
 * </pre>
 * with the {@link DiagonalRule}: Adam (bias-corrected; β₁ = β₂ = 0 is sign descent in U), AdaGrad, or
 * Gauss–Newton^-p, step = (diag(UᵀGU) + ε)^-p g̃ with G given per step ({@link #step(double[], double[], double[][])},
 * its own batch) or fixed once ({@link #fixCurvature}, full batch).
 *
 * <p><b>Where the work runs.</b> The products with U (Uᵀg, U·step and GU for the curvature diagonal) run on the
 * backend through {@link InfluenceKernel#multiply} (f64, single matrices: a GEMV per rotation, one GEMM per
 * curvature). diag(UᵀGU)_j = Σ_k U_kj (GU)_kj is then read off in O(d²) on the JVM, so the second GEMM of UᵀGU
 * is never formed. The identity basis skips the products: its rotations are exact copies and its diagonal is
 * diag(G) read directly. The elementwise rules are plain Java loops, not {@code PreconditionerKernel.diagonalUpdate}:
 * that kernel computes m/(v^e + ε) without bias correction, so Adam's ε-after-bias-correction would need ε and the
 * step rescaled (two extra roundings, and NaN for sign descent's 0/0 where this class takes 0); and GN's step has no
 * moments at all. The rules are O(d) against the rotations' O(d²), so nothing is lost.
 *
 * <p><b>Failure.</b> A gradient or curvature of the wrong size or with a non-finite entry, a Gauss–Newton step
 * without a curvature (or a curvature given to Adam or AdaGrad), and a zero Gauss–Newton denominator are refused with
 * {@link IllegalArgumentException} or {@link IllegalStateException} before anything is written: θ, the moments and
 * the step count are unchanged. Not thread-safe. Holds U and two work vectors on the heap; {@link #close()} releases
 * them (a native backend copies heap operands per call; off-heap state can come with the per-layer bases).
 */
public final class BasisOptimizer implements AutoCloseable {
    private final BasisOptimizerConfig config;
    private final Basis basis;
    private final Backend backend;
    private final int d;
    private final double[] m;
    private final double[] v;
    private final BatchedMatrix u;
    private final BatchedMatrix vectorIn;
    private final BatchedMatrix vectorOut;
    private double[] fixedDiagonal;
    private long steps;

    public BasisOptimizer(BasisOptimizerConfig config, Basis basis, Backend backend) {
        this.config = Objects.requireNonNull(config, "config");
        this.basis = Objects.requireNonNull(basis, "basis");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.d = basis.dimension();
        this.m = new double[d];
        this.v = new double[d];
        this.u = basis.toBatchedMatrix();
        this.vectorIn = BatchedMatrix.zeros(DType.F64, 1, d, 1);
        this.vectorOut = BatchedMatrix.zeros(DType.F64, 1, d, 1);
    }

    public BasisOptimizerConfig config() {
        return config;
    }

    public Basis basis() {
        return basis;
    }

    /** Steps taken so far. */
    public long stepCount() {
        return steps;
    }

    /**
     * Fixes the Gauss–Newton matrix (full-batch mode): D = diag(UᵀGU) is computed once here and every later
     * {@link #step(double[], double[])} uses it. Only for a {@link DiagonalRule.GaussNewton} rule.
     */
    public void fixCurvature(double[][] curvature) {
        requireGaussNewton();
        fixedDiagonal = diagonalInBasis(basis, curvature, backend);
    }

    /**
     * diag(UᵀGU) for a d × d matrix G (symmetric in use, not required): GU by one backend GEMM, then
     * Σ_k U_kj (GU)_kj in k order on the JVM; for the identity basis diag(G) exactly. Cost 2d³ + 2d².
     */
    public static double[] diagonalInBasis(Basis basis, double[][] curvature, Backend backend) {
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(backend, "backend");
        int n = Basis.squareDimension("curvature", curvature);
        int d = basis.dimension();
        if (n != d) {
            throw new IllegalArgumentException("curvature: " + n + " × " + n + " does not match the basis dimension " + d);
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(curvature[i][j])) {
                    throw new IllegalArgumentException("curvature: entry (" + i + ", " + j + ") is " + curvature[i][j]
                            + " (must be finite)");
                }
            }
        }
        double[] diagonal = new double[d];
        if (basis.isIdentity()) {
            for (int j = 0; j < d; j++) {
                diagonal[j] = curvature[j][j];
            }
            return diagonal;
        }
        double[] u = basis.toRowMajor();
        double[] gu = new double[d * d];
        try (BatchedMatrix g = BatchedMatrix.of(curvature);
             BatchedMatrix uMatrix = BatchedMatrix.of(u, 1, d, d);
             BatchedMatrix product = BatchedMatrix.zeros(DType.F64, 1, d, d)) {
            backend.influence().multiply(g, false, uMatrix, false, product);
            product.copyMatrixTo(0, gu, 0);
        }
        for (int k = 0; k < d; k++) {
            for (int j = 0; j < d; j++) {
                diagonal[j] += u[k * d + j] * gu[k * d + j];
            }
        }
        return diagonal;
    }

    /** A copy of the fixed diag(UᵀGU), or null when none is fixed. */
    public double[] fixedCurvatureDiagonal() {
        return fixedDiagonal == null ? null : fixedDiagonal.clone();
    }

    /**
     * One step with gradient g at θ, θ updated in place. A Gauss–Newton rule uses the curvature fixed by
     * {@link #fixCurvature} (refused with {@link IllegalStateException} when there is none).
     */
    public void step(double[] theta, double[] gradient) {
        double[] diagonal = null;
        if (config.rule() instanceof DiagonalRule.GaussNewton) {
            if (fixedDiagonal == null) {
                throw new IllegalStateException("curvature: a Gauss–Newton step needs one: fixCurvature(G) or "
                        + "step(theta, gradient, G)");
            }
            diagonal = fixedDiagonal;
        }
        apply(theta, gradient, diagonal);
    }

    /** One Gauss–Newton step with this step's curvature G (estimated on its own batch); θ updated in place. */
    public void step(double[] theta, double[] gradient, double[][] curvature) {
        requireGaussNewton();
        requireVector("theta", theta);
        requireVector("gradient", gradient);
        apply(theta, gradient, diagonalInBasis(basis, curvature, backend));
    }

    private void apply(double[] theta, double[] gradient, double[] diagonal) {
        requireVector("theta", theta);
        requireVector("gradient", gradient);
        for (int i = 0; i < d; i++) {
            if (!Double.isFinite(gradient[i])) {
                throw new IllegalArgumentException("gradient: entry " + i + " is " + gradient[i] + " (must be finite)");
            }
        }
        double[] denominator = null;
        if (config.rule() instanceof DiagonalRule.GaussNewton gn) {
            denominator = new double[d];
            for (int j = 0; j < d; j++) {
                double dj = diagonal[j] + gn.eps();
                if (!(dj > 0)) {
                    throw new IllegalArgumentException("curvature: diag(UᵀGU)_" + j + " + eps = " + dj
                            + " is not positive: Gauss–Newton^-p has no step along basis column " + j);
                }
                denominator[j] = gn.power() == 1 ? dj : Math.sqrt(dj);
            }
        }
        double[] coordinates = toBasis(gradient);
        long t = steps + 1;
        double[] step = new double[d];
        DiagonalRule rule = config.rule();
        if (rule instanceof DiagonalRule.Adam adam) {
            double b1 = adam.beta1();
            double b2 = adam.beta2();
            double bc1 = 1 - Math.pow(b1, t);
            double bc2 = 1 - Math.pow(b2, t);
            for (int j = 0; j < d; j++) {
                double g = coordinates[j];
                m[j] = b1 * m[j] + (1 - b1) * g;
                v[j] = b2 * v[j] + (1 - b2) * (g * g);
                double numerator = m[j] / bc1;
                double denom = Math.sqrt(v[j] / bc2) + adam.eps();
                step[j] = numerator == 0 ? 0 : numerator / denom;
            }
        } else if (rule instanceof DiagonalRule.Adagrad adagrad) {
            for (int j = 0; j < d; j++) {
                double g = coordinates[j];
                v[j] = v[j] + g * g;
                double denom = Math.sqrt(v[j]) + adagrad.eps();
                step[j] = g == 0 ? 0 : g / denom;
            }
        } else {
            for (int j = 0; j < d; j++) {
                step[j] = coordinates[j] / denominator[j];
            }
        }
        double[] update = fromBasis(step);
        double lr = config.lr();
        for (int i = 0; i < d; i++) {
            theta[i] -= lr * update[i];
        }
        steps = t;
    }

    /** Uᵀx on the backend (a copy for the identity). */
    private double[] toBasis(double[] x) {
        return product(x, true);
    }

    /** U·x on the backend (a copy for the identity). */
    private double[] fromBasis(double[] x) {
        return product(x, false);
    }

    private double[] product(double[] x, boolean transpose) {
        if (basis.isIdentity()) {
            return x.clone();
        }
        vectorIn.copyMatrixFrom(0, x, 0);
        backend.influence().multiply(u, transpose, vectorIn, false, vectorOut);
        double[] out = new double[d];
        vectorOut.copyMatrixTo(0, out, 0);
        return out;
    }

    private void requireGaussNewton() {
        if (!(config.rule() instanceof DiagonalRule.GaussNewton)) {
            throw new IllegalStateException("curvature: only a Gauss–Newton rule reads one; this optimizer runs "
                    + config.rule());
        }
    }

    private void requireVector(String name, double[] x) {
        Objects.requireNonNull(x, name);
        if (x.length != d) {
            throw new IllegalArgumentException(name + ": length " + x.length + " does not match the basis dimension " + d);
        }
    }

    @Override
    public void close() {
        u.close();
        vectorIn.close();
        vectorOut.close();
    }
}
