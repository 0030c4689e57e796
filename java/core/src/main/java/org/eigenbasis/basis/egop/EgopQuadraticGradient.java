package org.eigenbasis.basis.egop;

import java.util.Objects;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;

/**
 * The batched gradient of f(θ) = ½(θ − θ*)ᵀA(θ − θ*) on a backend: for a block Θ of k points (k × d, one per row),
 * ∇f(θ_r) = A(θ_r − θ*), i.e. the gradient block is (Θ − 1θ*ᵀ)·Aᵀ, one GEMM ({@link
 * org.eigenbasis.spi.InfluenceKernel#multiply}) instead of k GEMVs that each stream all of A from memory.
 *
 * <ul>
 *   <li><b>Holds</b> a copy of A (d × d, row-major; need not be symmetric: row r of the result is (A(θ_r − θ*))ᵀ
 *       for any A) in the backend's state placement ({@link Backend#statePlacement()}: off-heap on native backends,
 *       so A is copied there once, not on every block) and a copy of θ*. {@link #close()} frees them.</li>
 *   <li><b>Cost</b> per block of k rows: 2·k·d² flops (the GEMM) + O(k·d) for the shift and the copies in and out;
 *       memory d² + 2·k·d doubles.</li>
 *   <li><b>Fails</b> with {@link IllegalArgumentException} at construction on an A that is not d × d or a non-finite
 *       entry in A or θ* (naming it), and on a call whose block is not rows × d; with {@link IllegalStateException}
 *       after {@link #close()}.</li>
 * </ul>
 * Not thread-safe: one estimate at a time (the estimator calls it block by block).
 */
public final class EgopQuadraticGradient implements EgopBatchGradient, AutoCloseable {
    private final Backend backend;
    private final int d;
    private final double[] optimum;
    private final BatchedMatrix a;

    private EgopQuadraticGradient(Backend backend, double[] a, double[] optimum) {
        this.backend = backend;
        this.d = optimum.length;
        this.optimum = optimum.clone();
        this.a = BatchedMatrix.of(a, 1, d, d, backend.statePlacement());
    }

    /**
     * ∇f(θ) = A(θ − θ*) on {@code backend}, A row-major d × d with d = optimum.length ≥ 1. Both are copied.
     *
     * @throws IllegalArgumentException when A's length is not d², or an entry of A or θ* is not finite
     */
    public static EgopQuadraticGradient on(Backend backend, double[] a, double[] optimum) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(optimum, "optimum");
        int d = optimum.length;
        if (d < 1) {
            throw new IllegalArgumentException("optimum: dimension " + d + " is outside [1, ∞)");
        }
        if (a.length != (long) d * d) {
            throw new IllegalArgumentException("a: length " + a.length + " is not d² = " + ((long) d * d)
                    + " for the optimum's dimension d = " + d);
        }
        requireFinite("optimum", optimum, 1);
        requireFinite("a", a, d);
        return new EgopQuadraticGradient(backend, a, optimum);
    }

    /** The dimension d. */
    public int dimension() {
        return d;
    }

    /** The backend the GEMM runs on. */
    public Backend backend() {
        return backend;
    }

    /** Writes rows of A(θ_r − θ*) for the rows θ_r of {@code thetas} (rows × d) into {@code gradients}. */
    @Override
    public void at(double[] thetas, int rows, double[] gradients) {
        Objects.requireNonNull(thetas, "thetas");
        Objects.requireNonNull(gradients, "gradients");
        if (rows < 1) {
            throw new IllegalArgumentException("rows: " + rows + " is outside [1, ∞)");
        }
        if (thetas.length != (long) rows * d || gradients.length != thetas.length) {
            throw new IllegalArgumentException("thetas, gradients: lengths " + thetas.length + ", " + gradients.length
                    + " are not rows × d = " + rows + " × " + d);
        }
        if (a.isClosed()) {
            throw new IllegalStateException("EgopQuadraticGradient: closed");
        }
        Placement placement = backend.statePlacement();
        double[] shifted = new double[thetas.length];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < d; i++) {
                shifted[r * d + i] = thetas[r * d + i] - optimum[i];
            }
        }
        try (BatchedMatrix e = BatchedMatrix.allocate(DType.F64, 1, rows, d, placement);
             BatchedMatrix out = BatchedMatrix.allocate(DType.F64, 1, rows, d, placement)) {
            e.copyMatrixFrom(0, shifted, 0);
            backend.influence().multiply(e, false, a, true, out);
            out.copyMatrixTo(0, gradients, 0);
        }
    }

    /** Frees the copy of A. Idempotent. */
    @Override
    public void close() {
        a.close();
    }

    private static void requireFinite(String name, double[] values, int cols) {
        for (int k = 0; k < values.length; k++) {
            if (!Double.isFinite(values[k])) {
                String at = cols == 1 ? "[" + k + "]" : "[" + (k / cols) + ", " + (k % cols) + "]";
                throw new IllegalArgumentException(name + at + ": " + values[k] + " is not finite");
            }
        }
    }
}
