package org.eigenbasis.basis;

import java.util.Objects;
import org.eigenbasis.internal.ModelMath;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * Gauss–Newton matrices of the two regression models, from a data matrix X (n × d, rows are examples), as one
 * backend syrk ({@code PreconditionerKernel.accumulateFactor}, G = α·XᵀX with β = 0, cost n·d²):
 * <ul>
 *   <li>linear regression: G = XᵀX / n (the Hessian of ‖Xθ − y‖²/(2n));</li>
 *   <li>logistic regression at θ: G = Xᵀ diag(s(1 − s)) X / n with s = σ(Xθ), computed as ỸᵀỸ/n with rows
 *       x̃_i = √(s_i(1 − s_i))·x_i (one extra rounding per entry against the weighted sum).</li>
 * </ul>
 * Full batch: pass all of X; mini-batch: pass the batch's rows. Returns a new symmetric d × d array.
 */
public final class GaussNewton {
    private GaussNewton() {
    }

    /** XᵀX / n. */
    public static double[][] linearRegression(double[][] x, Backend backend) {
        Models.requireData(x);
        return scaledGram(x, null, backend);
    }

    /** Xᵀ diag(s(1 − s)) X / n, s = σ(Xθ). */
    public static double[][] logisticRegression(double[][] x, double[] theta, Backend backend) {
        int d = Models.requireData(x);
        Models.requireLength("theta", theta, d);
        Models.requireFinite("theta", theta);
        double[] weights = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s = ModelMath.sigmoid(ModelMath.dot(x[i], theta));
            weights[i] = Math.sqrt(s * (1 - s));
        }
        return scaledGram(x, weights, backend);
    }

    /** (1/n)·Σ_i (w_i x_i)(w_i x_i)ᵀ on the backend; w = null for all ones. */
    private static double[][] scaledGram(double[][] x, double[] rowScale, Backend backend) {
        Objects.requireNonNull(backend, "backend");
        int n = x.length;
        int d = x[0].length;
        double[] rows = new double[n * d];
        for (int i = 0; i < n; i++) {
            double w = rowScale == null ? 1 : rowScale[i];
            for (int j = 0; j < d; j++) {
                rows[i * d + j] = rowScale == null ? x[i][j] : w * x[i][j];
            }
        }
        try (BatchedMatrix data = BatchedMatrix.of(rows, 1, n, d);
             BatchedMatrix gram = BatchedMatrix.zeros(DType.F64, 1, d, d)) {
            backend.preconditioner().accumulateFactor(data, false, 0, 1.0 / n, gram);
            return gram.toArray(0);
        }
    }
}
