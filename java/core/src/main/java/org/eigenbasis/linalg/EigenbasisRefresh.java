package org.eigenbasis.linalg;

import java.util.Objects;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;

/**
 * Warm-started eigenbasis refresh, as SOAP and Shampoo use it to follow a slowly changing preconditioner factor:
 * given symmetric A and an orthonormal Q (the previous eigenbasis), {@code steps} rounds of power iteration with
 * re-orthonormalisation, Q ← qr(A Q), then the Rayleigh quotients diag(QᵀAQ) and the off-diagonal measure
 * ‖B − diag B‖_F / ‖B‖_F of B = QᵀAQ, which tells whether Q still diagonalises A.
 *
 * <ul>
 *   <li><b>Reads</b> the lower triangle of A and all of Q; never writes them. Q should be orthonormal (for
 *       steps = 0 the measure assumes it; each QR step restores it) with its columns ordered by decreasing
 *       eigenvalue: orthogonal iteration drives the span of the first k columns to the dominant k-dimensional
 *       eigenspace, so a basis in another order is rotated toward that one.</li>
 *   <li><b>Writes</b> a new basis whose QR factorisation has diag(R) ≥ 0, which makes it unique and identical
 *       across backends when A Q has full rank (columns beyond a rank deficiency are an arbitrary orthonormal
 *       completion). Columns stay in Q's order; sort by the Rayleigh quotients if an order is wanted.</li>
 *   <li><b>Cost</b> per matrix: steps × (2n³ for A Q + 8/3 n³ for QR) + 4n³ for the measure.</li>
 *   <li><b>Fails</b> with {@link IllegalArgumentException} on shape, dtype or batch mismatch, non-finite entries
 *       or steps outside [0, 1000]; with {@link org.eigenbasis.value.MemoryLimitException} before allocating when
 *       the outputs (basis B·n²·s, Rayleigh quotients B·n·s, measure 8B heap bytes), the off-heap copies a native
 *       backend makes of heap inputs and outputs, and the java backend's 8·(4n² + n) heap bytes per matrix in
 *       flight (min(B, processors)) exceed the free heap, off-heap or machine memory. Workspace inside the native
 *       kernel is not counted.</li>
 * </ul>
 */
public final class EigenbasisRefresh {
    private final Backend backend;

    private EigenbasisRefresh(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** Refreshes on the given backend; every call validates its input in Java before the backend sees it. */
    public static EigenbasisRefresh on(Backend backend) {
        return new EigenbasisRefresh(backend);
    }

    /**
     * Refreshes on the backend named {@code name} ({@code java}, {@code cpu}, {@code cuda} or {@code auto}).
     *
     * @throws org.eigenbasis.spi.BackendUnavailableException when the named backend cannot run here, with the reason
     * @throws IllegalArgumentException                        when no backend has that name
     */
    public static EigenbasisRefresh on(String name) {
        return new EigenbasisRefresh(Backends.select(name));
    }

    /** {@code steps} power-iteration + QR steps from Q, then the diagonal and off-diagonal measure of QᵀAQ. */
    public RefreshResult refresh(BatchedMatrix a, BatchedMatrix q, int steps) {
        Validation.requireSquare("a", a);
        Validation.requireShape("q", q, a.batch(), a.rows(), a.rows(), a.dtype());
        if (steps < 0 || steps > 1000) {
            throw new IllegalArgumentException("steps: " + steps + " is outside [0, 1000]");
        }
        Validation.requireFiniteLower("a", a);
        Validation.requireFinite("q", q);
        int n = a.rows();
        new MemoryNeed("refresh of " + a.shape() + " " + a.dtype().shortName(), backend)
                .input(a).input(q)
                .output(a.batch(), n, n, a.dtype(), a.placement())
                .output(a.batch(), 1, n, a.dtype(), a.placement())
                .heap(8L * a.batch())
                .javaWorkspace(a.batch(), 4L * n * n + n)
                .require();
        BatchedMatrix basis = BatchedMatrix.allocate(a.dtype(), a.batch(), n, n, a.placement());
        BatchedMatrix rayleigh = BatchedMatrix.allocate(a.dtype(), a.batch(), 1, n, a.placement());
        try {
            double[] off = new double[a.batch()];
            backend.refresh().refresh(a, q, steps, basis, rayleigh, off);
            return new RefreshResult(basis, rayleigh, off);
        } catch (RuntimeException | Error e) {
            basis.close();
            rayleigh.close();
            throw e;
        }
    }

    /** ‖B − diag B‖_F / ‖B‖_F of B = QᵀAQ per matrix, without refreshing. */
    public double[] offDiagonal(BatchedMatrix a, BatchedMatrix q) {
        try (RefreshResult r = refresh(a, q, 0)) {
            return r.offDiagonal();
        }
    }
}
