package org.eigenbasis.diffusion;

import java.nio.DoubleBuffer;
import java.util.Objects;
import java.util.SplittableRandom;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;

/**
 * Samples from trained linear denoisers by integrating the probability-flow ODE dx/dσ = (x − D(σ)x)/σ from σ_max
 * down to σ_min (issue 14, point 3), starting from x(σ_max) ~ N(0, σ_max² I), and returns the covariance of the
 * samples.
 *
 * <p><b>Quadrature.</b> In t = ln σ the ODE is dx/dt = (I − D(σ))x. The integration grid is the training grid
 * σ_0 &lt; … &lt; σ_{B−1} itself (so D is only ever needed where it was trained, with no interpolation); each step
 * from σ_{i+1} down to σ_i, Δ = ln(σ_i/σ_{i+1}) &lt; 0, is Heun's (the explicit trapezoid rule, RK2):
 * <pre>
 *   k₁ = (I − D_{i+1})x,  x̃ = x + Δk₁,  k₂ = (I − D_i)x̃,  x ← x + (Δ/2)(k₁ + k₂).
 * </pre>
 * Along a mode with weights ψ_i (D = U diag(ψ) Uᵀ) this is x ← p_i·x with
 * p_i = 1 + (Δ/2)[(1 − ψ_{i+1}) + (1 − ψ_i)(1 + Δ(1 − ψ_{i+1}))], so the generated variance of the discretised flow is
 * σ_max²·Π p_i² ({@link #quadratureVariance}), the same quadrature applied to the closed form's integrand: comparing
 * samples with it leaves only the Monte-Carlo error, and comparing it with
 * {@link ModeDynamics#generatedVariance} only Heun's O(Δ²) error.
 *
 * <p><b>Error of the estimate.</b> The samples are exactly Gaussian with mean zero, so uᵀΣ̂u (Σ̂ = XXᵀ/N, the mean
 * not subtracted) has relative standard error √(2/N). Noise in learned weights ψ_i adds, to first order,
 * Var ln λ̃ = Σ_i (∂ ln λ̃/∂ψ_i)²·Var ψ_i when the levels train on independent samples ({@link #logSensitivity}).
 *
 * <p>Cost: 2 products of d × d by d × N per grid step on the backend's {@link PreconditionerKernel#rotate}, one
 * SYRK for the covariance, dN Gaussian draws in Java (so every backend integrates the same starting points) and
 * O(dN) elementwise work per step in Java. Memory 4dN + 2Bd² doubles in the backend's state placement.
 */
public final class ProbabilityFlowSampler {
    private ProbabilityFlowSampler() {
    }

    /**
     * The sample covariance XXᵀ/N (heap, 1 × d × d, exactly symmetric) of N = {@code samples} points carried from
     * σ_max = sigmas[B − 1] to σ_min = sigmas[0] by the denoisers D(σ_i) = denoisers[i].
     *
     * @param denoisers B × d × d f64 (heap or off-heap), one matrix per noise level
     * @param sigmas    the B ≥ 2 noise levels, strictly ascending, positive and finite
     * @param samples   N ≥ 1 with d·N·8 bytes within one off-heap block
     */
    public static BatchedMatrix generatedCovariance(Backend backend, BatchedMatrix denoisers, double[] sigmas,
                                                    int samples, long seed) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(denoisers, "denoisers");
        checkGrid(sigmas);
        if (denoisers.dtype() != DType.F64 || !denoisers.isSquare() || denoisers.batch() != sigmas.length
                || denoisers.rows() == 0) {
            throw new IllegalArgumentException("denoisers: " + denoisers.shape() + " " + denoisers.dtype().shortName()
                    + " is not f64 (" + sigmas.length + ", d, d) with d ≥ 1 (one matrix per noise level)");
        }
        int d = denoisers.rows();
        if (samples < 1 || (long) samples * d * Double.BYTES > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("samples: " + samples + " is outside [1, "
                    + Integer.MAX_VALUE / ((long) d * Double.BYTES) + "] for d = " + d);
        }
        Placement placement = backend.statePlacement();
        PreconditionerKernel kernel = backend.preconditioner();
        int count = sigmas.length;
        BatchedMatrix[] levels = new BatchedMatrix[count];
        double[] matrix = new double[d * d];
        try (BatchedMatrix x = BatchedMatrix.allocate(DType.F64, 1, d, samples, placement);
             BatchedMatrix trial = BatchedMatrix.allocate(DType.F64, 1, d, samples, placement);
             BatchedMatrix dx = BatchedMatrix.allocate(DType.F64, 1, d, samples, placement);
             BatchedMatrix k1 = BatchedMatrix.allocate(DType.F64, 1, d, samples, placement);
             BatchedMatrix covariance = BatchedMatrix.allocate(DType.F64, 1, d, d, placement)) {
            for (int i = 0; i < count; i++) {
                levels[i] = BatchedMatrix.allocate(DType.F64, 1, d, d, placement);
                denoisers.copyMatrixTo(i, matrix, 0);
                levels[i].copyMatrixFrom(0, matrix, 0);
            }
            SplittableRandom random = new SplittableRandom(seed);
            double sigmaMax = sigmas[count - 1];
            double[] start = new double[d * samples];
            for (int k = 0; k < start.length; k++) {
                start[k] = sigmaMax * random.nextGaussian();
            }
            x.doubleBuffer().put(start);
            for (int i = count - 2; i >= 0; i--) {
                double delta = Math.log(sigmas[i] / sigmas[i + 1]);
                kernel.rotate(levels[i + 1], false, x, null, false, dx);
                DoubleBuffer xb = x.doubleBuffer();
                DoubleBuffer db = dx.doubleBuffer();
                DoubleBuffer kb = k1.doubleBuffer();
                DoubleBuffer tb = trial.doubleBuffer();
                for (int k = 0; k < start.length; k++) {
                    double slope = xb.get(k) - db.get(k);
                    kb.put(k, slope);
                    tb.put(k, xb.get(k) + delta * slope);
                }
                kernel.rotate(levels[i], false, trial, null, false, dx);
                for (int k = 0; k < start.length; k++) {
                    double slope = tb.get(k) - db.get(k);
                    xb.put(k, xb.get(k) + 0.5 * delta * (kb.get(k) + slope));
                }
            }
            kernel.accumulateFactor(x, true, 0, 1.0 / samples, covariance);
            return covariance.copy(Placement.HEAP);
        } finally {
            for (BatchedMatrix level : levels) {
                if (level != null) {
                    level.close();
                }
            }
        }
    }

    /** σ_max²·Π p_i²: the generated variance of one mode with weights ψ_i = psi[i] under Heun on the grid. */
    public static double quadratureVariance(double[] psi, double[] sigmas) {
        checkGrid(sigmas);
        checkWeights(psi, sigmas.length);
        double log = 2 * Math.log(sigmas[sigmas.length - 1]);
        for (int i = sigmas.length - 2; i >= 0; i--) {
            log += 2 * Math.log(Math.abs(factor(psi[i], psi[i + 1], Math.log(sigmas[i] / sigmas[i + 1]))));
        }
        return Math.exp(log);
    }

    /** ∂ ln λ̃/∂ψ_i of {@link #quadratureVariance} (the weights' influence, to propagate their noise). */
    public static double[] logSensitivity(double[] psi, double[] sigmas) {
        checkGrid(sigmas);
        checkWeights(psi, sigmas.length);
        double[] out = new double[psi.length];
        for (int i = sigmas.length - 2; i >= 0; i--) {
            double delta = Math.log(sigmas[i] / sigmas[i + 1]);
            double p = factor(psi[i], psi[i + 1], delta);
            out[i + 1] += 2 * (delta / 2) * (-1 - delta * (1 - psi[i])) / p;
            out[i] += 2 * (delta / 2) * (-(1 + delta * (1 - psi[i + 1]))) / p;
        }
        return out;
    }

    /** Heun's factor p_i of one step along a mode. */
    private static double factor(double psiLow, double psiHigh, double delta) {
        return 1 + 0.5 * delta * ((1 - psiHigh) + (1 - psiLow) * (1 + delta * (1 - psiHigh)));
    }

    private static void checkGrid(double[] sigmas) {
        Objects.requireNonNull(sigmas, "sigmas");
        if (sigmas.length < 2) {
            throw new IllegalArgumentException("sigmas: length " + sigmas.length + " is below 2");
        }
        for (int i = 0; i < sigmas.length; i++) {
            if (!(sigmas[i] > 0) || !Double.isFinite(sigmas[i]) || (i > 0 && !(sigmas[i] > sigmas[i - 1]))) {
                throw new IllegalArgumentException("sigmas[" + i + "]: " + sigmas[i]
                        + " is not positive, finite and above sigmas[" + (i - 1) + "] (strictly ascending)");
            }
        }
    }

    private static void checkWeights(double[] psi, int count) {
        Objects.requireNonNull(psi, "psi");
        if (psi.length != count) {
            throw new IllegalArgumentException("psi: length " + psi.length + " is not the grid's " + count);
        }
        for (int i = 0; i < count; i++) {
            if (!Double.isFinite(psi[i])) {
                throw new IllegalArgumentException("psi[" + i + "]: " + psi[i] + " is not finite");
            }
        }
    }
}
