package org.eigenbasis.spi;

import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * The closed-form generated variances of linear denoisers trained by gradient flow (issue 14), for many modes and
 * training times at once: the formulas of {@code org.eigenbasis.diffusion.ModeDynamics} (one layer through
 * exponential-integral differences, symmetric two layer elementary). Arguments are validated by the caller
 * ({@code org.eigenbasis.diffusion.GeneratedVariances}); native backends check them again and refuse with
 * {@link IllegalArgumentException} before writing anything.
 *
 * <p>Parity: the java reference evaluates E₁ by its series and continued fraction (a few ulp); the cpu kernel by
 * Chebyshev interpolants on cells (within 5e-15 relative) and elementary functions of its own, so the two agree to
 * a small multiple of that times the condition of the sum I (the contract test derives the bound).
 */
public interface DiffusionKernel {
    /**
     * {@code out[0][i][j] = λ̃(lambdas[i], taus[j])} = σ_max²·exp(−2I), or ln λ̃ = 2 ln σ_max − 2I when {@code log}
     * (which neither overflows nor underflows). Reads lambdas (n, finite, ≥ 0) and taus (t, finite, ≥ 0); writes all
     * of {@code out} (F64, 1 × n × t, heap or off-heap), never reading it. {@code twoLayer} picks the symmetric
     * two-layer model, else the one layer; 0 &lt; sigmaMin &lt; sigmaMax, eta &gt; 0, init &gt; 0, all finite.
     * Cost O(n·t), about 190 flops a pair on cpu (one layer).
     */
    void generatedVariances(boolean twoLayer, double[] lambdas, double[] taus, double sigmaMin, double sigmaMax,
                            double eta, double init, boolean log, BatchedMatrix out);

    /** Refuses an {@code out} that is not F64 1 × n × t with an {@link IllegalArgumentException} naming its shape. */
    static void checkOutput(int n, int t, BatchedMatrix out) {
        if (out == null || out.dtype() != DType.F64 || out.batch() != 1 || out.rows() != n
                || out.cols() != t) {
            throw new IllegalArgumentException("out: " + (out == null ? "null" : out.shape() + " "
                    + out.dtype().shortName()) + " must be (1, " + n + ", " + t + ") f64");
        }
    }
}
