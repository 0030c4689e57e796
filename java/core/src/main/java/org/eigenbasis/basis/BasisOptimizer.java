package org.eigenbasis.basis;

import java.util.Objects;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;

/**
 * One basis-aware diagonal optimizer for a flat parameter vector θ ∈ ℝᵈ (issue 13, point 1): every step is
 * <pre>
 *   g̃ = Uᵀg;   step = rule(g̃);   θ ← θ − lr·U·step
 * </pre>
 * with the {@link DiagonalRule}: Adam (bias-corrected; β₁ = β₂ = 0 is sign descent in U), AdaGrad, or
 * Gauss–Newton^-p, step = (diag(UᵀGU) + ε)^-p g̃ with G given per step ({@link #step(double[], double[], double[][])},
 * its own batch) or fixed once ({@link #fixCurvature}, full batch).
 *
 * <p><b>Where the work runs.</b> This is one block of the same core as {@link BasisDiagonalOptimizer}
 * ({@code DiagonalBlock}): the products with U (Uᵀg, U·step and GU for the curvature diagonal) run on the backend
 * through {@code PreconditionerKernel.rotate} (f64, a GEMV per rotation, one GEMM per curvature), the moments live
 * where the backend keeps state, and the elementwise rule is the one implementation both optimizers share.
 * diag(UᵀGU)_j = Σ_k U_kj (GU)_kj is read off in O(d²) on the JVM, so the second GEMM of UᵀGU is never formed. The
 * identity basis skips the products: its rotations are exact copies and its diagonal is diag(G) read directly.
 *
 * <p><b>Failure.</b> A gradient or curvature of the wrong size or with a non-finite entry, a Gauss–Newton step
 * without a curvature (or a curvature given to Adam or AdaGrad), and a zero Gauss–Newton denominator are refused with
 * {@link IllegalArgumentException} or {@link IllegalStateException} before anything is written: θ, the moments and
 * the step count are unchanged. Not thread-safe. Holds U, the moments and two work vectors where the backend keeps
 * state (off-heap on a native backend); {@link #close()} releases them.
 */
public final class BasisOptimizer implements AutoCloseable {
    private final BasisOptimizerConfig config;
    private final Basis basis;
    private final Backend backend;
    private final int d;
    private final DiagonalBlock block;
    private double[] fixedDiagonal;
    private long steps;

    public BasisOptimizer(BasisOptimizerConfig config, Basis basis, Backend backend) {
        this.config = Objects.requireNonNull(config, "config");
        this.basis = Objects.requireNonNull(basis, "basis");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.d = basis.dimension();
        this.block = new DiagonalBlock(parameterBasis(basis), d, new int[] {d}, backend);
    }

    public BasisOptimizerConfig config() {
        return config;
    }

    public Basis basis() {
        return basis;
    }

    /**
     * A copy of the optimizer's own second moment in the basis's coordinates, before bias correction: for Adam
     * v_t = β₂v_{t−1} + (1 − β₂)g̃_t² (divide by 1 − β₂ᵗ for v̂), for AdaGrad the running sum Σg̃², for
     * Gauss–Newton zeros (it keeps no moments). Cost O(d).
     */
    public double[] secondMoment() {
        return block.secondMoment();
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
        double[] g = new double[d * d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(curvature[i], 0, g, i * d, d);
        }
        try (BatchedMatrix u = BatchedMatrix.of(basis.toRowMajor(), 1, d, d, backend.statePlacement())) {
            return BasisRotation.sandwichDiagonal(backend, u, g, d);
        }
    }

    /** The {@link ParameterBasis} of a flat basis: the identity stays the identity (exact copies), else dense. */
    static ParameterBasis parameterBasis(Basis basis) {
        return basis.isIdentity() ? ParameterBasis.identity() : ParameterBasis.dense(basis);
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
        double[] denominator = config.rule() instanceof DiagonalRule.GaussNewton gn
                ? DiagonalRules.gaussNewtonDenominators(gn, diagonal, "curvature") : null;
        long t = steps + 1;
        double[] update = block.step(config.rule(), t, gradient, denominator);
        double lr = config.lr();
        for (int i = 0; i < d; i++) {
            theta[i] -= lr * update[i];
        }
        steps = t;
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
        block.close();
    }
}
