package org.eigenbasis.backend.java;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.eigenbasis.linalg.CanonicalSign;
import org.eigenbasis.spi.EighKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;

/**
 * Reference eigh: per matrix, an exact power-of-two scaling to max|a_ij| in [0.5, 1), then in double precision
 * (also for f32 input, so the reference is at least as accurate as what it checks) either {@link TridiagonalQL}
 * ({@link EighAlgorithm#TRIDIAGONAL_QL}, what AUTO runs) or {@link ReferenceTwoStage}
 * ({@link EighAlgorithm#TWO_STAGE}: band of half-bandwidth {@link ReferenceTwoStage#defaultBandwidth}, bulge
 * chasing, the same QL); eigenvalues sorted ascending, the canonical sign rule applied after rounding to the
 * output dtype. Matrices of a batch run in parallel on the common fork-join pool; each is independent and the
 * result does not depend on the order.
 */
final class ReferenceEigh implements EighKernel {
    static final int DEFAULT_MAX_ITERATIONS = 30;

    /** One matrix's solver on its scaled, mirrored copy, with {@link TridiagonalQL#solve}'s contract. */
    @FunctionalInterface
    interface ScaledSolver {
        int solve(double[] a, int n, double[] values, double[] vectorRows, int maxIterations);
    }

    private final int bandwidth;

    /** The backend's kernel: TWO_STAGE with the default half-bandwidth. */
    ReferenceEigh() {
        this(0);
    }

    /**
     * A kernel whose TWO_STAGE uses half-bandwidth {@code bandwidth} (clamped to n − 1) for every n, or the
     * default for 0; for tests that need many sweeps or the degenerate band at small n.
     *
     * @throws IllegalArgumentException when bandwidth &lt; 0
     */
    ReferenceEigh(int bandwidth) {
        if (bandwidth < 0) {
            throw new IllegalArgumentException("bandwidth: " + bandwidth + " must be 0 (default) or at least 1");
        }
        this.bandwidth = bandwidth;
    }

    @Override
    public EighAlgorithm eigh(BatchedMatrix a, BatchedMatrix values, BatchedMatrix vectors, int[] info,
                              EighAlgorithm algorithm, int maxIterations) {
        if (!supports(algorithm)) {
            throw new IllegalArgumentException("algorithm: " + algorithm + " is not available on the java backend;"
                    + " use AUTO, TRIDIAGONAL_QL or TWO_STAGE");
        }
        EighAlgorithm ran = algorithm == EighAlgorithm.TWO_STAGE ? EighAlgorithm.TWO_STAGE : EighAlgorithm.TRIDIAGONAL_QL;
        ScaledSolver solver = ran == EighAlgorithm.TRIDIAGONAL_QL ? TridiagonalQL::solve
                : (m, n, d, z, iterations) -> ReferenceTwoStage.solve(m, n,
                        bandwidth > 0 ? bandwidth : ReferenceTwoStage.defaultBandwidth(n), d, z, iterations);
        int limit = maxIterations > 0 ? maxIterations : DEFAULT_MAX_ITERATIONS;
        IntStream range = IntStream.range(0, a.batch());
        (a.batch() > 1 ? range.parallel() : range)
                .forEach(b -> info[b] = decompose(a, b, values, vectors, limit, solver));
        return ran;
    }

    private static int decompose(BatchedMatrix a, int b, BatchedMatrix values, BatchedMatrix vectors, int limit,
                                 ScaledSolver solver) {
        int n = a.rows();
        if (n == 0) {
            return 0;
        }
        double[] m = new double[n * n];
        a.copyMatrixTo(b, m, 0);
        double maxAbs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                maxAbs = Math.max(maxAbs, Math.abs(m[i * n + j]));
            }
        }
        double[] d = new double[n];
        double[] zt = vectors == null ? null : new double[n * n];
        double scale = 1;
        if (maxAbs == 0) {                        // the zero matrix: eigenvalues 0, vectors the identity
            if (zt != null) {
                for (int i = 0; i < n; i++) {
                    zt[i * n + i] = 1;
                }
            }
        } else {
            scale = Math.scalb(1.0, -Math.getExponent(maxAbs) - 1);   // exact: maxAbs·scale in [0.5, 1)
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {            // read the lower triangle only, mirror it
                    double x = m[i * n + j] * scale;
                    m[i * n + j] = x;
                    m[j * n + i] = x;
                }
            }
            int status = solver.solve(m, n, d, zt, limit);
            if (status != 0) {
                fillNaN(values, vectors, b, n);
                return status;
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(d[x], d[y]));   // stable: equal eigenvalues keep their order
        double[] w = new double[n];
        for (int j = 0; j < n; j++) {
            w[j] = d[order[j]] / scale;
        }
        values.copyMatrixFrom(b, w, 0);
        if (vectors != null) {
            double[] v = new double[n * n];
            boolean f32 = vectors.dtype() == DType.F32;
            for (int j = 0; j < n; j++) {
                int row = order[j] * n;
                for (int i = 0; i < n; i++) {
                    double x = zt[row + i];
                    v[i * n + j] = f32 ? (float) x : x;
                }
            }
            CanonicalSign.applyToColumns(v, 0, n, vectors.dtype());
            vectors.copyMatrixFrom(b, v, 0);
        }
        return 0;
    }

    private static void fillNaN(BatchedMatrix values, BatchedMatrix vectors, int b, int n) {
        double[] nan = new double[n * n];
        Arrays.fill(nan, Double.NaN);
        values.copyMatrixFrom(b, nan, 0);
        if (vectors != null) {
            vectors.copyMatrixFrom(b, nan, 0);
        }
    }

    @Override
    public EighAlgorithm choose(int n, int batch, DType dtype, boolean vectors) {
        return EighAlgorithm.TRIDIAGONAL_QL;
    }

    @Override
    public boolean supports(EighAlgorithm algorithm) {
        return algorithm == EighAlgorithm.AUTO || algorithm == EighAlgorithm.TRIDIAGONAL_QL
                || algorithm == EighAlgorithm.TWO_STAGE;
    }
}
