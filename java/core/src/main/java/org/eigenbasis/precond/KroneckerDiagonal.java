package org.eigenbasis.precond;

import static org.eigenbasis.precond.Batches.gather;
import static org.eigenbasis.precond.Batches.matrix;

import java.util.Arrays;
import org.eigenbasis.precond.PreconditionerSpec.Diagonal;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.value.BatchedMatrix;

/**
 * The diagonal D of the diagonals built from factor eigenvalues, in the rotated coordinates: Shampoo's
 * Π_k (λ_k + ε)^e (EIGENVALUE_ROOTS), K-FAC's damped λ_S,i·λ_A,j (KRONECKER_EIGENVALUES, additive or factored
 * Tikhonov damping) and EK-FAC's damped corrected eigenvalues s_ij (EKFAC, whose running moments live in the
 * state's v and are updated here). The formulas are in {@link PreconditionerSpec} and {@link KfacConfig}.
 * SECOND_MOMENT needs none of this: its D comes out of the kernel's fused update.
 */
final class KroneckerDiagonal {
    /** Automatic damping never goes below this, so D stays invertible for an all-zero curvature. */
    private static final double DAMPING_FLOOR = 1e-30;

    private final BlockState state;
    private final PreconditionerSpec spec;
    private final PreconditionerKernel kernel;

    KroneckerDiagonal(BlockState state, PreconditionerKernel kernel) {
        this.state = state;
        this.spec = state.spec;
        this.kernel = kernel;
    }

    /** D for EIGENVALUE_ROOTS, KRONECKER_EIGENVALUES and EKFAC, a new B × rows × cols heap batch. */
    BatchedMatrix denominators() {
        BatchedMatrix den = BatchedMatrix.zeros(state.dtype, state.batch, state.rows, state.cols);
        double[] buf = new double[state.size];
        if (state.diagonal == Diagonal.EIGENVALUE_ROOTS) {
            eigenvalueRoots(den, buf);
            return den;
        }
        double[] curvature = new double[state.size];
        for (int b = 0; b < state.batch; b++) {
            undampedCurvature(b, curvature);
            double delta = damping(curvature);
            if (state.diagonal == Diagonal.KRONECKER_EIGENVALUES && spec.damping() == KfacDamping.FACTORED_TIKHONOV) {
                double[] ls = matrix(state.eig[0], b);
                double[] la = matrix(state.eig[1], b);
                double pi = piCorrection(b);
                double rootDelta = Math.sqrt(delta);
                for (int i = 0; i < state.rows; i++) {
                    for (int j = 0; j < state.cols; j++) {
                        double d = (Math.max(ls[i], 0) + rootDelta / pi) * (Math.max(la[j], 0) + pi * rootDelta);
                        buf[i * state.cols + j] = power(d);
                    }
                }
            } else {
                for (int i = 0; i < state.size; i++) {
                    buf[i] = power(Math.max(curvature[i], 0) + delta);
                }
            }
            den.copyMatrixFrom(b, buf, 0);
        }
        return den;
    }

    /** Shampoo: Π_k (max(λ_k, 0) + ε)^e over the factored dims, e = exponent or 1/(2·order). */
    private void eigenvalueRoots(BatchedMatrix den, double[] buf) {
        int order = 0;
        for (int k = 0; k < state.dims.length; k++) {
            if (state.factored[k] && state.role != BlockRole.FIXED) {
                order++;
            }
        }
        double e = spec.exponent() > 0 ? spec.exponent() : 1.0 / (2 * Math.max(order, 1));
        int[] strides = TensorLayout.strides(state.dims);
        for (int b = 0; b < state.batch; b++) {
            Arrays.fill(buf, 1);
            for (int k = 0; k < state.dims.length; k++) {
                if (!state.factored[k] || state.role == BlockRole.FIXED || state.role == BlockRole.LAYER) {
                    continue;
                }
                double[] lambda = matrix(state.eig[k], b);
                double[] root = new double[lambda.length];
                for (int i = 0; i < root.length; i++) {
                    root[i] = Math.pow(Math.max(lambda[i], 0) + spec.eps(), e);
                }
                for (int i = 0; i < state.size; i++) {
                    buf[i] *= root[(i / strides[k]) % state.dims[k]];
                }
            }
            den.copyMatrixFrom(b, buf, 0);
        }
    }

    private double power(double x) {
        return spec.exponent() == 1 ? x : Math.pow(x, spec.exponent());
    }

    /** K-FAC λ_S,i·λ_A,j or EK-FAC s_ij of block b (row-major out × in), undamped. */
    private void undampedCurvature(int b, double[] out) {
        if (state.diagonal == Diagonal.EKFAC) {
            state.v.copyMatrixTo(b, out, 0);
            return;
        }
        double[] ls = matrix(state.eig[0], b);
        double[] la = matrix(state.eig[1], b);
        for (int i = 0; i < state.rows; i++) {
            for (int j = 0; j < state.cols; j++) {
                out[i * state.cols + j] = ls[i] * la[j];
            }
        }
    }

    /** δ: the configured value, or 0.1 × the mean of the (clamped) curvature. */
    private double damping(double[] curvature) {
        if (!Double.isNaN(spec.dampingValue())) {
            return spec.dampingValue();
        }
        double sum = 0;
        for (double c : curvature) {
            sum += Math.max(c, 0);
        }
        return Math.max(0.1 * sum / curvature.length, DAMPING_FLOOR);
    }

    /** π = √((tr A/dim A)/(tr S/dim S)), 1 when either trace is 0. */
    private double piCorrection(int b) {
        double[] fs = matrix(state.factor[0], b);
        double[] fa = matrix(state.factor[1], b);
        double trS = 0;
        double trA = 0;
        for (int i = 0; i < state.rows; i++) {
            trS += fs[i * state.rows + i];
        }
        for (int j = 0; j < state.cols; j++) {
            trA += fa[j * state.cols + j];
        }
        return trS > 0 && trA > 0 ? Math.sqrt((trA / state.cols) / (trS / state.rows)) : 1;
    }

    /** EK-FAC: s ← β·s + (1 − β)·(1/N) Σ_n (Q_Sᵀ g_n)² (Q_Aᵀ a_n)ᵀ², or s = that batch estimate when age = 1. */
    void updateCorrectedEigenvalues(Gradients gradients) {
        Parameter p = state.params.get(0);
        Gradients.LayerStatistics st = gradients.layer(p.name());
        double[] sBatch = perSampleSecondMoment(st, 0);
        double[] old = matrix(state.v, 0);
        double beta = spec.beta2();
        for (int i = 0; i < state.size; i++) {
            old[i] = state.age[0] <= 1 ? sBatch[i] : beta * old[i] + (1 - beta) * sBatch[i];
        }
        state.v.copyMatrixFrom(0, old, 0);
    }

    /** (1/N) Σ_n (Q_Sᵀ g_n)_i² (Q_Aᵀ a_n)_j² in the current basis of block b. */
    private double[] perSampleSecondMoment(Gradients.LayerStatistics st, int b) {
        int n = st.samples();
        int rows = state.rows;
        int cols = state.cols;
        BatchedMatrix gs = BatchedMatrix.zeros(state.dtype, 1, n, rows);
        BatchedMatrix as = BatchedMatrix.zeros(state.dtype, 1, n, cols);
        int[] block = {b};
        kernel.rotate(null, false, state.statistics(st.outputGradients(), n, rows), gather(state.basis[0], block),
                false, gs);
        kernel.rotate(null, false, state.statistics(st.inputs(), n, cols), gather(state.basis[1], block), false, as);
        double[] gr = gs.toDoubleArray();
        double[] ar = as.toDoubleArray();
        double[] out = new double[state.size];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < rows; i++) {
                double gi = gr[k * rows + i];
                double gi2 = gi * gi;
                for (int j = 0; j < cols; j++) {
                    double aj = ar[k * cols + j];
                    out[i * cols + j] += gi2 * (aj * aj);
                }
            }
        }
        for (int i = 0; i < state.size; i++) {
            out[i] /= n;
        }
        return out;
    }

    /**
     * The dense curvature approximation of a K-FAC/EK-FAC layer (block 0), (out·in)², row-major over vec(W)
     * with vec(W)[i·in + j] = W_ij: (Q_S ⊗ Q_A) diag(c) (Q_S ⊗ Q_A)ᵀ, c = λ_S,i·λ_A,j (K-FAC) or s_ij (EK-FAC),
     * undamped. Cost (out·in)³.
     */
    double[] denseCurvature() {
        int rows = state.rows;
        int cols = state.cols;
        double[] c = new double[state.size];
        undampedCurvature(0, c);
        double[] qs = matrix(state.basis[0], 0);
        double[] qa = matrix(state.basis[1], 0);
        int n = state.size;
        double[] z = new double[n * n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                for (int p = 0; p < rows; p++) {
                    for (int q = 0; q < cols; q++) {
                        z[(i * cols + j) * n + p * cols + q] = qs[i * rows + p] * qa[j * cols + q];
                    }
                }
            }
        }
        double[] out = new double[n * n];
        for (int x = 0; x < n; x++) {
            for (int y = 0; y <= x; y++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += z[x * n + k] * c[k] * z[y * n + k];
                }
                out[x * n + y] = sum;
                out[y * n + x] = sum;
            }
        }
        return out;
    }
}
