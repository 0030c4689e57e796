package org.eigenbasis.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.Placement;

/**
 * {@code eigenbasis verify --large}: eigh of one seeded random symmetric matrix (N(0, 1) entries) per size, f64 and
 * f32, on a native backend, for AUTO and every algorithm the backend supports at large n, judged by LAPACK's
 * xSYT21 ratios ({@link Accuracy}) and timed.
 *
 * <p><b>The check's own products.</b> Both ratios need an n³ product (A − VΛVᵀ and I − VᵀV: 2n³ flops each,
 * 5.7e11 at n = 6570), far too slow in Java loops, so they run on the backend's own
 * {@link org.eigenbasis.spi.SpectralKernel#reconstruct} (V diag(f) Vᵀ, a BLAS GEMM on cpu) in double, whatever
 * the dtype: V and Λ are widened to f64 first, and VᵀV is the reconstruct of Vᵀ with f = 1; the norms are summed
 * in Java. The product's rounding error is at most γₙ ≈ n·u (u = 2⁻⁵³) times |V||Λ||V|ᵀ entrywise (Higham,
 * Accuracy and Stability of Numerical Algorithms, 2nd ed., 3.5), whose 1-norm is at most n‖A‖₁, so it moves a
 * ratio by at most n·u/ulp:
 * <ul>
 *   <li>f32 (ulp = 2⁻²³): n·2⁻³⁰, 6.1e-6 at n = 6570, invisible against the threshold of 60;</li>
 *   <li>f64 (ulp = 2⁻⁵²): the same rounding LAPACK's xSYT21 and {@link Invariants} include, since they form the
 *       product in working precision too. Its worst case, n/2, is not attained: errors of long blocked sums grow
 *       like √n·u (Higham and Mary, SIAM J. Sci. Comput. 41, 2019), which gives √n/2 (40 at n = 6570) for any
 *       matrix, and about 0.5 for the dense random ones used here (|V| entries ≈ n^−½ make |V||Λ||V|ᵀ's column
 *       sums ≈ √n‖A‖₁, not n‖A‖₁).</li>
 * </ul>
 * The test of this class checks that these ratios equal {@link Invariants}' (pure Java loops) within 1 at n = 300.
 *
 * <p>Memory: besides the backend's eigh, about 4 n² doubles off-heap (f64 copies of V, Vᵀ, the product) and the
 * seeded input (n² on the heap while it is built): 1.4 GB at n = 6570.
 */
public final class LargeEighVerifier {
    /** The default sizes: the large targets. */
    public static final int[] DEFAULT_SIZES = {1024, 2048, 4096, 6570};

    private LargeEighVerifier() {
    }

    /**
     * One measured decomposition.
     *
     * @param backend            the backend that ran it
     * @param algorithm          the algorithm asked for (auto included)
     * @param ran                the algorithm that ran (auto resolved), whose limits apply
     * @param dtype              f32 or f64
     * @param n                  the size
     * @param residual           ‖A − VΛVᵀ‖₁ / (‖A‖₁ n ulp)
     * @param orthogonality      ‖I − VᵀV‖₁ / (n ulp)
     * @param residualLimit      {@link Accuracy#residualLimit} of {@code ran}
     * @param orthogonalityLimit {@link Accuracy#orthogonalityLimit} of {@code ran}
     * @param seconds            wall time of the decomposition alone (not of the checks)
     * @param passed             both ratios within their limits, values ascending, signs canonical, converged
     * @param failures           why it failed (empty when passed)
     */
    public record Row(String backend, String algorithm, String ran, String dtype, int n, double residual,
                      double orthogonality, double residualLimit, double orthogonalityLimit, double seconds,
                      boolean passed, String failures) {
    }

    /** The algorithms run at large n: AUTO and every supported one but the small-n kernels. */
    public static List<EighAlgorithm> algorithms(Backend backend) {
        List<EighAlgorithm> out = new ArrayList<>(List.of(EighAlgorithm.AUTO));
        for (EighAlgorithm a : EighAlgorithm.values()) {
            if (a != EighAlgorithm.AUTO && !smallOnly(a) && backend.eigh().supports(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * Our own Jacobi and unblocked QL kernels (O(n³) level-2 work per sweep; the cpu picks them below n ≈ 150)
     * and cuSOLVER's batched Jacobi (n ≤ 32) are for small matrices: minutes or refusals at n = 6570.
     */
    private static boolean smallOnly(EighAlgorithm a) {
        return a == EighAlgorithm.JACOBI || a == EighAlgorithm.TRIDIAGONAL_QL || a == EighAlgorithm.CUSOLVER_BATCHED;
    }

    /** The number of decompositions {@link #verify} runs, for progress bars. */
    public static int groups(Backend backend, int[] sizes) {
        return algorithms(backend).size() * DType.values().length * sizes.length;
    }

    /**
     * Runs every (size, dtype, algorithm) of {@link #algorithms} on {@code backend}; {@code progress} receives a
     * label before each. Cost per case: the eigh plus two 2n³ products on the backend.
     *
     * @throws IllegalArgumentException when the backend is the java reference (its pure-Java products would take
     *                                  hours at n = 6570) or a size is below 1
     */
    public static List<Row> verify(Backend backend, int[] sizes, Consumer<String> progress) {
        if (backend.name().equals("java")) {
            throw new IllegalArgumentException("backend: the large sizes run on native backends only (cpu, cuda);"
                    + " java is the reference of the ordinary verify");
        }
        for (int n : sizes) {
            if (n < 1) {
                throw new IllegalArgumentException("sizes: " + n + " must be at least 1");
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int n : sizes) {
            for (DType dtype : DType.values()) {
                try (BatchedMatrix a = seeded(n, dtype)) {
                    for (EighAlgorithm algorithm : algorithms(backend)) {
                        progress.accept(backend.name() + " eigh " + algorithm.cliName() + " " + dtype.shortName()
                                + " n=" + n);
                        rows.add(measure(backend, a, algorithm));
                    }
                }
            }
        }
        return rows;
    }

    private static BatchedMatrix seeded(int n, DType dtype) {
        double[] m = SeededMatrices.randomSymmetric(n, new Random(6570L * n));
        try (BatchedMatrix f64 = BatchedMatrix.of(m, 1, n, n, Placement.OFF_HEAP)) {
            return dtype == DType.F64 ? f64.copy(Placement.OFF_HEAP) : f64.convert(dtype, Placement.OFF_HEAP);
        }
    }

    private static Row measure(Backend backend, BatchedMatrix a, EighAlgorithm algorithm) {
        int n = a.rows();
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        try (EighResult r = SymmetricEigen.on(backend).decompose(a, EighOptions.defaults().withAlgorithm(algorithm)
                .withOutputPlacement(Placement.OFF_HEAP))) {
            double seconds = (System.nanoTime() - start) * 1e-9;
            EighAlgorithm ran = r.algorithm();
            double unit = n * a.dtype().epsilon();
            double residual = residual(backend, a, r) / unit;
            double orthogonality = orthogonality(backend, r.vectors()) / unit;
            double residualLimit = Accuracy.residualLimit(ran);
            double orthogonalityLimit = Accuracy.orthogonalityLimit(ran);
            if (!(residual <= residualLimit)) {
                failures.add("residual above the limit");
            }
            if (!(orthogonality <= orthogonalityLimit)) {
                failures.add("orthogonality above the limit");
            }
            if (!Invariants.ascending(r, 0)) {
                failures.add("eigenvalues not ascending");
            }
            if (!Invariants.canonicalSigns(r, 0)) {
                failures.add("signs not canonical");
            }
            return new Row(backend.name(), algorithm.cliName(), ran.cliName(), a.dtype().shortName(), n, residual,
                    orthogonality, residualLimit, orthogonalityLimit, seconds, failures.isEmpty(),
                    String.join("; ", failures));
        } catch (org.eigenbasis.linalg.EighConvergenceException e) {
            e.result().close();
            return new Row(backend.name(), algorithm.cliName(), e.result().algorithm().cliName(),
                    a.dtype().shortName(), n, Double.NaN, Double.NaN, Accuracy.residualLimit(e.result().algorithm()),
                    Accuracy.orthogonalityLimit(e.result().algorithm()), (System.nanoTime() - start) * 1e-9, false,
                    "did not converge");
        }
    }

    /**
     * ‖A − VΛVᵀ‖₁ / ‖A‖₁ (‖VΛVᵀ‖₁ when A = 0) of the single matrix a (1 × n × n, lower triangle read) and its
     * decomposition r, VΛVᵀ formed in f64 by the backend's reconstruct (see the class comment for its rounding).
     * Cost: 2n³ on the backend, O(n²) in Java; 3 n² doubles off-heap. Fails as the backend's reconstruct does.
     */
    public static double residual(Backend backend, BatchedMatrix a, EighResult r) {
        int n = a.rows();
        try (BatchedMatrix v = r.vectors().convert(DType.F64, Placement.OFF_HEAP);
             BatchedMatrix w = r.values().convert(DType.F64, Placement.OFF_HEAP);
             BatchedMatrix product = BatchedMatrix.allocate(DType.F64, 1, n, n, Placement.OFF_HEAP)) {
            backend.spectral().reconstruct(v, w, product);
            double[] aColumns = new double[n];
            double[] rColumns = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {                        // A from its lower triangle; both symmetric
                    double aij = a.get(0, i, j);
                    double rij = Math.abs(aij - product.get(0, i, j));
                    aColumns[j] += Math.abs(aij);
                    rColumns[j] += rij;
                    if (j != i) {
                        aColumns[i] += Math.abs(aij);
                        rColumns[i] += rij;
                    }
                }
            }
            double anorm = Arrays.stream(aColumns).max().orElse(0);
            double rnorm = Arrays.stream(rColumns).max().orElse(0);
            return anorm == 0 ? rnorm : rnorm / anorm;
        }
    }

    /**
     * ‖VᵀV − I‖₁ of the single n × n matrix {@code vectors}, VᵀV formed in f64 as the backend's reconstruct of Vᵀ
     * with f = 1. Cost: 2n³ on the backend, O(n²) in Java; 2 n² doubles off-heap.
     */
    public static double orthogonality(Backend backend, BatchedMatrix vectors) {
        int n = vectors.rows();
        try (BatchedMatrix vt = BatchedMatrix.allocate(DType.F64, 1, n, n, Placement.OFF_HEAP);
             BatchedMatrix ones = BatchedMatrix.allocate(DType.F64, 1, 1, n, Placement.OFF_HEAP);
             BatchedMatrix product = BatchedMatrix.allocate(DType.F64, 1, n, n, Placement.OFF_HEAP)) {
            for (int i = 0; i < n; i++) {
                ones.set(0, 0, i, 1);
                for (int j = 0; j < n; j++) {
                    vt.set(0, j, i, vectors.get(0, i, j));
                }
            }
            backend.spectral().reconstruct(vt, ones, product);
            double[] columns = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    columns[j] += Math.abs(product.get(0, i, j) - (i == j ? 1 : 0));
                }
            }
            return Arrays.stream(columns).max().orElse(0);
        }
    }
}
