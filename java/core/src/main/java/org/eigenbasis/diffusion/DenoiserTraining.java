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
 * Trains the linear denoisers of {@link DenoiserModel} by mini-batch SGD on samples (issue 14, point 3): every
 * noise level σ_b of a log-spaced grid has its own weights, and all of them train together as one batch of
 * B × d × d matrices on the backend's {@link PreconditionerKernel} (the java reference, OpenBLAS on cpu, cuBLAS on
 * cuda), in f64, in the backend's {@link Backend#statePlacement() state placement}.
 *
 * <p><b>One step</b>, for every σ_b at once. Draw Z_b = [z; ν] (2d × n standard normals, drawn in Java in a fixed
 * order from one {@link SplittableRandom}, so every backend sees the same numbers); the data are x = A z with
 * A = U diag(√λ) (so x ~ N(0, Σ)) and x_σ = x + σ_b ν. One SYRK gives the 2d × 2d Gram ZZᵀ/n and one two-sided
 * product gives L_b (ZZᵀ/n) L_bᵀ with L_b = [[A, σ_b I], [A, 0]], whose blocks are Ŝ = X_σX_σᵀ/n (top left) and
 * Ĉ = X X_σᵀ/n (bottom left): the samples are never transformed one by one. Then, with h the step and η the
 * learning rate,
 * <pre>
 *   one layer  (D = W):      ∇̂ = 2(WŜ − Ĉ),                          W  ← W − ηh∇̂
 *   two layer  (D = W₁ᵀW₁):  G = 2(MŜ − Ĉ), M = W₁ᵀW₁, ∇̂ = W₁(G + Gᵀ),  W₁ ← W₁ − ηh∇̂
 * </pre>
 * the unbiased mini-batch gradients of L_σ = E‖D(x_σ) − x‖², from W₀ = Q·I (W₁ = √Q·I). After {@code steps} steps
 * the training time is τ = steps·h; as h → 0 with τ fixed the expected weights follow the gradient flow whose
 * per-mode solution is {@link ModeDynamics#weight}. {@link SgdMoments} gives the exact discrete-time mean (one
 * layer) and the variance the mini-batch noise leaves, the error bars the tests use.
 *
 * <p>Cost per step: B·(2d)²·n for the SYRK, 2B·2·(2d)³ for the two-sided product, 2Bd³ (one layer) or 6Bd³
 * (two layer) for the weight products, and 2dnB Gaussian draws in Java (which dominate at small d). Memory:
 * B(2dn + 3(2d)² + 6d²) doubles. Refuses, before any allocation, a null argument, an empty or non-finite or
 * negative spectrum, eigenvectors that are not d × d and orthonormal (to 1e-8), a grid or batch larger than one
 * off-heap block holds, and a step with 2ηh(λ_max + σ_max²) ≥ 1, beyond which the expected step no longer
 * contracts toward the optimum monotonically.
 */
public final class DenoiserTraining {
    private static final double ORTHONORMAL_TOLERANCE = 1e-8;

    private DenoiserTraining() {
    }

    /** The log-spaced noise levels σ_i = σ_min·(σ_max/σ_min)^(i/(count − 1)), ascending, ends exact. */
    public static double[] sigmaGrid(DiffusionConfig diffusion, int count) {
        Objects.requireNonNull(diffusion, "diffusion");
        if (count < 2 || count > DenoiserTrainingConfig.MAX_SIGMA_COUNT) {
            throw new IllegalArgumentException("count: " + count + " is outside [2, "
                    + DenoiserTrainingConfig.MAX_SIGMA_COUNT + "]");
        }
        double logMin = Math.log(diffusion.sigmaMin());
        double logSpan = Math.log(diffusion.sigmaMax()) - logMin;
        double[] sigmas = new double[count];
        for (int i = 0; i < count; i++) {
            sigmas[i] = Math.exp(logMin + logSpan * i / (count - 1));
        }
        sigmas[0] = diffusion.sigmaMin();
        sigmas[count - 1] = diffusion.sigmaMax();
        return sigmas;
    }

    /**
     * Trains the denoisers and returns D(σ_b) for every σ_b of {@link #sigmaGrid} as a heap f64 batch
     * B × d × d (one layer W, two layer W₁ᵀW₁), in the data's coordinates.
     *
     * @param eigenvalues  λ, length d ≥ 1, finite, ≥ 0
     * @param eigenvectors U, row-major d × d with the eigenvectors in its columns, orthonormal to 1e-8
     */
    public static BatchedMatrix train(Backend backend, double[] eigenvalues, double[] eigenvectors,
                                      DiffusionConfig diffusion, DenoiserTrainingConfig config) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(diffusion, "diffusion");
        Objects.requireNonNull(config, "config");
        int d = checkSpectrum(eigenvalues, eigenvectors);
        int count = config.sigmaCount();
        int n = config.batchSize();
        checkFits("batchSize", (long) count * 2 * d * n);
        checkFits("sigmaCount", (long) count * 4 * d * d);
        double lambdaMax = 0;
        for (double l : eigenvalues) {
            lambdaMax = Math.max(lambdaMax, l);
        }
        double rate = 2 * diffusion.eta() * config.step() * (lambdaMax + diffusion.sigmaMax() * diffusion.sigmaMax());
        if (!(rate < 1)) {
            throw new IllegalArgumentException("step: " + config.step() + " gives 2ηh(λ_max + σ_max²) = " + rate
                    + "; it must be below 1 (step < " + config.step() / rate + ")");
        }
        double[] sigmas = sigmaGrid(diffusion, count);
        Placement placement = backend.statePlacement();
        PreconditionerKernel kernel = backend.preconditioner();
        boolean twoLayer = config.model() == DenoiserModel.TWO_LAYER;
        int dd = 2 * d;
        try (BatchedMatrix z = BatchedMatrix.allocate(DType.F64, count, dd, n, placement);
             BatchedMatrix gram = BatchedMatrix.allocate(DType.F64, count, dd, dd, placement);
             BatchedMatrix blocks = BatchedMatrix.allocate(DType.F64, count, dd, dd, placement);
             BatchedMatrix lift = lift(eigenvalues, eigenvectors, sigmas, placement);
             BatchedMatrix s = BatchedMatrix.allocate(DType.F64, count, d, d, placement);
             BatchedMatrix w = identities(count, d,
                     twoLayer ? Math.sqrt(diffusion.init()) : diffusion.init(), placement);
             BatchedMatrix product = BatchedMatrix.allocate(DType.F64, count, d, d, placement);
             BatchedMatrix m = BatchedMatrix.allocate(DType.F64, count, d, d, placement);
             BatchedMatrix sym = BatchedMatrix.allocate(DType.F64, count, d, d, placement)) {
            SplittableRandom random = new SplittableRandom(config.seed());
            double[] draws = new double[z.size()];
            double lr = diffusion.eta() * config.step();
            for (int t = 0; t < config.steps(); t++) {
                for (int i = 0; i < draws.length; i++) {
                    draws[i] = random.nextGaussian();
                }
                z.doubleBuffer().put(draws);
                kernel.accumulateFactor(z, true, 0, 1.0 / n, gram);
                kernel.rotate(lift, false, gram, lift, true, blocks);
                topLeft(blocks, d, s);
                if (!twoLayer) {
                    kernel.rotate(w, false, s, null, false, product);
                    oneLayerStep(w, product, blocks, d, lr);
                } else {
                    kernel.rotate(w, true, w, null, false, m);
                    kernel.rotate(m, false, s, null, false, product);
                    symmetrisedGradient(product, blocks, d, sym);
                    kernel.rotate(w, false, sym, null, false, m);
                    subtract(w, m, lr);
                }
            }
            if (!twoLayer) {
                return w.copy(Placement.HEAP);
            }
            kernel.rotate(w, true, w, null, false, m);
            return m.copy(Placement.HEAP);
        }
    }

    /** d from λ and U, after checking both (length, finiteness, sign, orthonormality). */
    static int checkSpectrum(double[] eigenvalues, double[] eigenvectors) {
        Objects.requireNonNull(eigenvalues, "eigenvalues");
        Objects.requireNonNull(eigenvectors, "eigenvectors");
        int d = eigenvalues.length;
        if (d == 0) {
            throw new IllegalArgumentException("eigenvalues: empty; need at least one mode");
        }
        for (int k = 0; k < d; k++) {
            if (!(eigenvalues[k] >= 0) || !Double.isFinite(eigenvalues[k])) {
                throw new IllegalArgumentException("eigenvalues[" + k + "]: " + eigenvalues[k]
                        + " is outside [0, ∞) (finite)");
            }
        }
        if (eigenvectors.length != (long) d * d) {
            throw new IllegalArgumentException("eigenvectors: length " + eigenvectors.length + " is not d² = "
                    + (long) d * d + " (row-major d × d, eigenvectors in the columns)");
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b <= a; b++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += eigenvectors[i * d + a] * eigenvectors[i * d + b];
                }
                double expected = a == b ? 1 : 0;
                if (!(Math.abs(dot - expected) <= ORTHONORMAL_TOLERANCE)) {
                    throw new IllegalArgumentException("eigenvectors: columns " + b + " and " + a + " have inner product "
                            + dot + ", not " + expected + " within " + ORTHONORMAL_TOLERANCE + " (U must be orthonormal)");
                }
            }
        }
        return d;
    }

    private static void checkFits(String name, long scalars) {
        if (scalars * Double.BYTES > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": the batch of " + scalars + " doubles exceeds one block of "
                    + Integer.MAX_VALUE + " bytes; use fewer noise levels or a smaller batch");
        }
    }

    /** L_b = [[A, σ_b I], [A, 0]], A = U diag(√λ): maps [z; ν] to [x_σ; x]. */
    private static BatchedMatrix lift(double[] lambda, double[] u, double[] sigmas, Placement placement) {
        int d = lambda.length;
        int dd = 2 * d;
        BatchedMatrix lift = BatchedMatrix.zeros(DType.F64, sigmas.length, dd, dd, placement);
        double[] block = new double[dd * dd];
        for (int b = 0; b < sigmas.length; b++) {
            java.util.Arrays.fill(block, 0);
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    double a = u[i * d + j] * Math.sqrt(lambda[j]);
                    block[i * dd + j] = a;
                    block[(d + i) * dd + j] = a;
                }
                block[i * dd + d + i] = sigmas[b];
            }
            lift.copyMatrixFrom(b, block, 0);
        }
        return lift;
    }

    private static BatchedMatrix identities(int count, int d, double value, Placement placement) {
        BatchedMatrix w = BatchedMatrix.zeros(DType.F64, count, d, d, placement);
        for (int b = 0; b < count; b++) {
            for (int i = 0; i < d; i++) {
                w.set(b, i, i, value);
            }
        }
        return w;
    }

    /** Ŝ: the top-left d × d block of every 2d × 2d block. */
    private static void topLeft(BatchedMatrix blocks, int d, BatchedMatrix s) {
        DoubleBuffer from = blocks.doubleBuffer();
        DoubleBuffer to = s.doubleBuffer();
        int dd = 2 * d;
        for (int b = 0; b < s.batch(); b++) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    to.put((b * d + i) * d + j, from.get((b * dd + i) * dd + j));
                }
            }
        }
    }

    /** Ĉ entry (i, j) of block b: the bottom-left d × d block. */
    private static double cross(DoubleBuffer blocks, int d, int b, int i, int j) {
        int dd = 2 * d;
        return blocks.get((b * dd + d + i) * dd + j);
    }

    /** W ← W − 2ηh(WŜ − Ĉ). */
    private static void oneLayerStep(BatchedMatrix w, BatchedMatrix ws, BatchedMatrix blocks, int d, double lr) {
        DoubleBuffer wb = w.doubleBuffer();
        DoubleBuffer pb = ws.doubleBuffer();
        DoubleBuffer cb = blocks.doubleBuffer();
        for (int b = 0; b < w.batch(); b++) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    int at = (b * d + i) * d + j;
                    wb.put(at, wb.get(at) - 2 * lr * (pb.get(at) - cross(cb, d, b, i, j)));
                }
            }
        }
    }

    /** G + Gᵀ with G = 2(MŜ − Ĉ). */
    private static void symmetrisedGradient(BatchedMatrix ms, BatchedMatrix blocks, int d, BatchedMatrix out) {
        DoubleBuffer pb = ms.doubleBuffer();
        DoubleBuffer cb = blocks.doubleBuffer();
        DoubleBuffer ob = out.doubleBuffer();
        for (int b = 0; b < ms.batch(); b++) {
            int base = b * d * d;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    double gij = pb.get(base + i * d + j) - cross(cb, d, b, i, j);
                    double gji = pb.get(base + j * d + i) - cross(cb, d, b, j, i);
                    ob.put(base + i * d + j, 2 * (gij + gji));
                }
            }
        }
    }

    /** W ← W − lr·step. */
    private static void subtract(BatchedMatrix w, BatchedMatrix step, double lr) {
        DoubleBuffer wb = w.doubleBuffer();
        DoubleBuffer sb = step.doubleBuffer();
        for (int k = 0; k < w.size(); k++) {
            wb.put(k, wb.get(k) - lr * sb.get(k));
        }
    }
}
