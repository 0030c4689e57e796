package org.eigenbasis.testing;

import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.EighKernel;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.spi.RefreshKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;

/**
 * A backend that runs another one (the java reference, in f64) as a backward-stable backend with backward error
 * η would: each kernel is the exact one applied to inputs perturbed by η, or its output perturbed by η, relative
 * to the largest entry of the matrix concerned, in random directions (seeded). The eigendecomposition and the QR
 * refresh read a symmetric matrix F + η·‖F‖_max·R (R symmetric, entries uniform in [−1, 1]); factor accumulation
 * and rotations write their exact result plus η·‖out‖_max·R; the elementwise diagonal update writes
 * out·(1 + η·r), m·(1 + η·r), v·(1 + η·r). Comparing a trajectory on this backend with the unperturbed one gives
 * the amplification of kernel-level rounding by the problem (inverse eigenvalue gaps, (λ + ε)^(−1/4) at small λ,
 * Adam's division), which {@link Trajectories#condition} measures and the trajectory comparisons (native's
 * OptimizerParityContract, the precond tests) turn into their tolerances.
 */
public final class BackwardErrorProbe extends ForwardingBackend {
    private final double eta;
    private final Random random;

    public BackwardErrorProbe(Backend base, double eta, long seed) {
        super(base, "probe-");
        this.eta = eta;
        this.random = new Random(seed);
    }

    @Override
    public EighKernel eigh() {
        EighKernel kernel = base.eigh();
        return new EighKernel() {
            @Override
            public EighAlgorithm eigh(BatchedMatrix a, BatchedMatrix values, BatchedMatrix vectors, int[] info,
                                      EighAlgorithm algorithm, int maxIterations) {
                return kernel.eigh(symmetricPerturbation(a), values, vectors, info, algorithm, maxIterations);
            }

            @Override
            public EighAlgorithm choose(int n, int batch, DType dtype, boolean vectors) {
                return kernel.choose(n, batch, dtype, vectors);
            }

            @Override
            public boolean supports(EighAlgorithm algorithm) {
                return kernel.supports(algorithm);
            }
        };
    }

    @Override
    public RefreshKernel refresh() {
        RefreshKernel kernel = base.refresh();
        return (a, q, steps, qOut, rayleigh, offDiagonal) ->
                kernel.refresh(symmetricPerturbation(a), q, steps, qOut, rayleigh, offDiagonal);
    }

    @Override
    public PreconditionerKernel preconditioner() {
        PreconditionerKernel kernel = base.preconditioner();
        return new PreconditionerKernel() {
            @Override
            public void accumulateFactor(BatchedMatrix x, boolean left, double beta, double alpha,
                                         BatchedMatrix factor) {
                kernel.accumulateFactor(x, left, beta, alpha, factor);
                factor.copyFrom(symmetricPerturbation(factor));
            }

            @Override
            public void rotate(BatchedMatrix left, boolean transposeLeft, BatchedMatrix g, BatchedMatrix right,
                               boolean transposeRight, BatchedMatrix out) {
                kernel.rotate(left, transposeLeft, g, right, transposeRight, out);
                perturbNormwise(out);
            }

            @Override
            public void diagonalUpdate(BatchedMatrix g, BatchedMatrix m, BatchedMatrix v, double beta1,
                                       double beta2, double gamma, double exponent, double eps, BatchedMatrix out) {
                kernel.diagonalUpdate(g, m, v, beta1, beta2, gamma, exponent, eps, out);
                for (BatchedMatrix x : new BatchedMatrix[] {out, m, v}) {
                    if (x != null) {
                        perturbRelative(x);
                    }
                }
            }
        };
    }



    /** A heap copy of the symmetric matrices a (lower triangles read) with η·‖a_b‖_max·R added, R symmetric. */
    private BatchedMatrix symmetricPerturbation(BatchedMatrix a) {
        int n = a.rows();
        BatchedMatrix out = BatchedMatrix.zeros(a.dtype(), a.batch(), n, n);
        for (int b = 0; b < a.batch(); b++) {
            double scale = eta * maxAbs(a, b);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double x = a.get(b, i, j) + scale * (2 * random.nextDouble() - 1);
                    out.set(b, i, j, x);
                    out.set(b, j, i, x);
                }
            }
        }
        return out;
    }

    private void perturbNormwise(BatchedMatrix x) {
        for (int b = 0; b < x.batch(); b++) {
            double scale = eta * maxAbs(x, b);
            for (int i = 0; i < x.rows(); i++) {
                for (int j = 0; j < x.cols(); j++) {
                    x.set(b, i, j, x.get(b, i, j) + scale * (2 * random.nextDouble() - 1));
                }
            }
        }
    }

    private void perturbRelative(BatchedMatrix x) {
        for (int b = 0; b < x.batch(); b++) {
            for (int i = 0; i < x.rows(); i++) {
                for (int j = 0; j < x.cols(); j++) {
                    x.set(b, i, j, x.get(b, i, j) * (1 + eta * (2 * random.nextDouble() - 1)));
                }
            }
        }
    }

    private static double maxAbs(BatchedMatrix x, int b) {
        double m = 0;
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                m = Math.max(m, Math.abs(x.get(b, i, j)));
            }
        }
        return m;
    }
}
