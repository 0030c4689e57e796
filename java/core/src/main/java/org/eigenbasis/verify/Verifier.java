package org.eigenbasis.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.eigenbasis.filter.SpectralFilter;
import org.eigenbasis.linalg.EigenbasisRefresh;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.RefreshResult;
import org.eigenbasis.linalg.SpectralFunctions;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;

/**
 * Runs every kernel of a backend on seeded and adversarial inputs and measures it: invariants (residual,
 * orthogonality, order, signs) and, for a backend other than the reference, agreement with the java reference.
 * Errors are reported as LAPACK's test ratios, in units of n·ε (ε of the dtype; see {@link Accuracy}); a row passes
 * when every case is within the limits {@link Accuracy} gives its algorithm and every structural check (order,
 * signs, convergence, exact symmetry) holds. The influence and MLP kernels (f64 only) are verified by
 * {@code InfluenceVerifier}, in units of Higham's rounding bound. What {@code eigenbasis verify} prints.
 */
public final class Verifier {
    private static final int[] SIZES = {1, 2, 3, 4, 7, 8, 9, 16, 17, 31, 32, 33, 64, 65, 100, 151};

    private final Backend backend;
    private final Backend reference = Backends.select("java");
    private final Consumer<String> progress;

    private Verifier(Backend backend, Consumer<String> progress) {
        this.backend = backend;
        this.progress = progress;
    }

    /** Verifies one backend; {@code progress} receives a short label before each group (may ignore it). */
    public static List<VerificationRow> verify(Backend backend, Consumer<String> progress) {
        return new Verifier(backend, progress).run();
    }

    /** The number of groups {@link #verify} reports progress for, for progress bars. */
    public static int groups(Backend backend) {
        int algorithms = 1;
        for (EighAlgorithm a : EighAlgorithm.values()) {
            if (a != EighAlgorithm.AUTO && backend.eigh().supports(a)) {
                algorithms++;
            }
        }
        // per dtype: one group per eigh algorithm (AUTO included), spectral, refresh
        return DType.values().length * (algorithms + 2) + InfluenceVerifier.groups();
    }

    private boolean isReference() {
        return backend.name().equals(reference.name());
    }

    private List<VerificationRow> run() {
        List<VerificationRow> rows = new ArrayList<>();
        for (DType dtype : DType.values()) {
            List<EighAlgorithm> algorithms = new ArrayList<>(List.of(EighAlgorithm.AUTO));
            for (EighAlgorithm a : EighAlgorithm.values()) {
                if (a != EighAlgorithm.AUTO && backend.eigh().supports(a)) {
                    algorithms.add(a);
                }
            }
            for (EighAlgorithm algorithm : algorithms) {
                progress.accept(backend.name() + " eigh " + algorithm.cliName() + " " + dtype.shortName());
                rows.add(verifyEigh(algorithm, dtype));
            }
            progress.accept(backend.name() + " spectral " + dtype.shortName());
            rows.add(verifyReconstruct(dtype));
            rows.add(verifyApply(dtype));
            progress.accept(backend.name() + " refresh " + dtype.shortName());
            rows.add(verifyRefresh(dtype));
        }
        rows.addAll(InfluenceVerifier.rows(backend, reference, progress));
        return rows;
    }

    /** Largest n a forced algorithm is verified at (our Jacobi kernels are for small n). */
    private static int maxSize(EighAlgorithm algorithm) {
        return algorithm == EighAlgorithm.JACOBI ? 64 : Integer.MAX_VALUE;
    }

    private VerificationRow verifyEigh(EighAlgorithm algorithm, DType dtype) {
        Measure m = new Measure();
        EighOptions options = EighOptions.defaults().withAlgorithm(algorithm);
        SymmetricEigen eigen = SymmetricEigen.on(backend);
        SymmetricEigen ref = SymmetricEigen.on(reference);
        for (int n : SIZES) {
            if (n > maxSize(algorithm)) {
                continue;
            }
            // Random spectra with gaps ≥ 0.8 and ‖A‖ ≈ n/2: invariants and parity of values and vectors.
            Random rng = new Random(7919L * n + dtype.ordinal());
            int batch = 3;
            double[][] ms = new double[batch][];
            for (int b = 0; b < batch; b++) {
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                    w[i] = (i - n / 2.0) + 0.2 * rng.nextDouble();
                }
                ms[b] = SeededMatrices.withSpectrum(w, rng);
            }
            try (BatchedMatrix a = SeededMatrices.batch(dtype, n, ms); EighResult r = eigen.decompose(a, options)) {
                m.invariants(a, r);
                if (!isReference()) {
                    try (EighResult expected = ref.decompose(a)) {
                        for (int b = 0; b < batch; b++) {
                            double unit = Math.max(n, 1) * dtype.epsilon() * Invariants.norm1(a, b);
                            double limit = parityLimit(r, expected);
                            m.parity(Invariants.maxDifference(r.valuesOf(b), expected.valuesOf(b)) / unit, limit);
                            // Davis–Kahan: a unit vector moves by √2·‖E‖/gap at most; gaps ≥ 0.8.
                            m.parity(Invariants.maxDifference(vectorsOf(r, b), vectorsOf(expected, b))
                                    / (Math.sqrt(2) * unit / 0.8), limit);
                        }
                    }
                }
            }
        }
        for (String kind : SeededMatrices.ADVERSARIAL_KINDS) {
            int n = 24;
            double[] matrix = SeededMatrices.adversarial(kind, dtype, n, new Random(kind.hashCode()));
            try (BatchedMatrix a = SeededMatrices.batch(dtype, n, matrix); EighResult r = eigen.decompose(a, options)) {
                m.invariants(a, r);
                if (!isReference()) {
                    try (EighResult expected = ref.decompose(a)) {
                        double unit = n * dtype.epsilon() * Math.max(Invariants.norm1(a, 0), Double.MIN_NORMAL);
                        m.parity(Invariants.maxDifference(r.valuesOf(0), expected.valuesOf(0)) / unit,
                                parityLimit(r, expected));
                    }
                }
            }
        }
        return m.row(backend.name(), "eigh", algorithm.cliName(), dtype,
                "sizes 1-151 x3 + " + SeededMatrices.ADVERSARIAL_KINDS.size() + " adversarial");
    }

    private VerificationRow verifyReconstruct(DType dtype) {
        Measure m = new Measure();
        SpectralFilter filter = SpectralFilter.inverseRoot(2, 1e-3);
        for (int n : new int[] {1, 3, 8, 17, 33, 64}) {
            Random rng = new Random(31L * n);
            double[] w = SeededMatrices.geometric(n, 0.01, 100);
            try (BatchedMatrix a = SeededMatrices.batch(dtype, n, SeededMatrices.withSpectrum(w, rng));
                 EighResult eig = SymmetricEigen.on(reference).decompose(a);
                 BatchedMatrix f = SpectralFunctions.filteredValues(eig, filter);
                 BatchedMatrix got = BatchedMatrix.zeros(dtype, 1, n, n);
                 BatchedMatrix expected = BatchedMatrix.zeros(dtype, 1, n, n)) {
                backend.spectral().reconstruct(eig.vectors(), f, got);
                reference.spectral().reconstruct(eig.vectors(), f, expected);
                double scale = Invariants.maxAbs(f.toDoubleArray());
                double unit = Math.max(n, 1) * dtype.epsilon() * scale;
                m.cases++;
                if (!isReference()) {
                    m.parity(Invariants.maxDifference(got.toDoubleArray(), expected.toDoubleArray()) / unit,
                            Accuracy.LAPACK_THRESHOLD);
                }
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < i; j++) {
                        if (got.get(0, i, j) != got.get(0, j, i)) {
                            m.fail("f(A) not exactly symmetric");
                        }
                    }
                }
                // f(A)² (A + εI) = I for the inverse square root: an invariant independent of the reference.
                double[] r = got.toDoubleArray();
                double[] full = Invariants.fullSymmetric(a, 0);
                double worst = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int k = 0; k < n; k++) {
                            double rr = 0;
                            for (int l = 0; l < n; l++) {
                                rr += r[i * n + l] * r[l * n + k];
                            }
                            s += rr * (full[k * n + j] + (k == j ? 1e-3 : 0));
                        }
                        worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
                    }
                }
                double condition = (w[n - 1] + 1e-3) / (w[0] + 1e-3);
                m.residual(worst / (Math.max(n, 1) * dtype.epsilon() * condition), Accuracy.LAPACK_THRESHOLD);
            }
        }
        return m.row(backend.name(), "spectral f(A)", "inverse_root", dtype, "n 1-64, spectrum 0.01-100; residual of f(A)²(A+εI) = I in n·ε·cond");
    }

    private VerificationRow verifyApply(DType dtype) {
        Measure m = new Measure();
        SpectralFilter filter = SpectralFilter.dampedInverse(0.1);
        for (int n : new int[] {1, 3, 8, 17, 33, 64}) {
            Random rng = new Random(37L * n);
            int cols = 5;
            double[] x = new double[n * cols];
            for (int k = 0; k < x.length; k++) {
                x[k] = rng.nextGaussian();
            }
            double[] w = SeededMatrices.geometric(n, 0.5, 10);
            double[] full = SeededMatrices.withSpectrum(w, rng);
            try (BatchedMatrix a = SeededMatrices.batch(dtype, n, full);
                 BatchedMatrix xs = BatchedMatrix.of(x, 1, n, cols).convert(dtype);
                 EighResult eig = SymmetricEigen.on(reference).decompose(a);
                 BatchedMatrix f = SpectralFunctions.filteredValues(eig, filter);
                 BatchedMatrix got = BatchedMatrix.zeros(dtype, 1, n, cols);
                 BatchedMatrix expected = BatchedMatrix.zeros(dtype, 1, n, cols)) {
                backend.spectral().apply(eig.vectors(), f, xs, got);
                reference.spectral().apply(eig.vectors(), f, xs, expected);
                double[] xv = xs.toDoubleArray();
                double scale = Invariants.maxAbs(f.toDoubleArray()) * Invariants.maxAbs(xv) * Math.sqrt(n);
                double unit = Math.max(n, 1) * dtype.epsilon() * scale;
                m.cases++;
                if (!isReference()) {
                    m.parity(Invariants.maxDifference(got.toDoubleArray(), expected.toDoubleArray()) / unit,
                            Accuracy.LAPACK_THRESHOLD);
                }
                // (A + 0.1 I) y = x
                double[] y = got.toDoubleArray();
                double[] am = Invariants.fullSymmetric(a, 0);
                double worst = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < cols; j++) {
                        double s = 0;
                        for (int k = 0; k < n; k++) {
                            s += (am[i * n + k] + (i == k ? 0.1 : 0)) * y[k * cols + j];
                        }
                        worst = Math.max(worst, Math.abs(s - xv[i * cols + j]));
                    }
                }
                double condition = (10 + 0.1) / (0.5 + 0.1);
                m.residual(worst / (Math.max(n, 1) * dtype.epsilon() * Invariants.maxAbs(xv) * condition * Math.sqrt(n)),
                        Accuracy.LAPACK_THRESHOLD);
            }
        }
        return m.row(backend.name(), "spectral f(A)·X", "damped_inverse", dtype, "n 1-64 x 5 columns");
    }

    private VerificationRow verifyRefresh(DType dtype) {
        Measure m = new Measure();
        int steps = 2;
        for (int n : new int[] {1, 3, 8, 17, 33, 64}) {
            Random rng = new Random(41L * n);
            double[] lambda = SeededMatrices.geometric(n, 4, 1);       // κ(A²) = 16
            double[] a = SeededMatrices.withSpectrum(lambda, rng);
            double[] start = SeededMatrices.randomOrthogonal(n, rng);
            try (BatchedMatrix am = SeededMatrices.batch(dtype, n, a);
                 BatchedMatrix qm = SeededMatrices.batch(dtype, n, start);
                 RefreshResult got = EigenbasisRefresh.on(backend).refresh(am, qm, steps);
                 RefreshResult expected = EigenbasisRefresh.on(reference).refresh(am, qm, steps)) {
                m.cases++;
                double unit = Math.max(n, 1) * dtype.epsilon();
                m.orthogonality(Invariants.orthogonality(got.basis(), 0) / unit, Accuracy.qrOrthogonalityLimit());
                if (!isReference()) {
                    double conditioning = n == 1 ? 1 : 16;
                    m.parity(Invariants.maxDifference(got.basis().toDoubleArray(), expected.basis().toDoubleArray())
                            / (unit * conditioning), Accuracy.LAPACK_THRESHOLD);
                    m.parity(Math.abs(got.offDiagonal(0) - expected.offDiagonal(0)) / (unit * conditioning),
                            Accuracy.LAPACK_THRESHOLD);
                }
            }
        }
        return m.row(backend.name(), "refresh", "qr(AQ) x" + steps, dtype, "n 1-64; parity in n·ε·κ(A²)");
    }

    /** Eigenvalue differences of two decompositions: the sum of their bounds, in units of n·ε·‖A‖₁. */
    private static double parityLimit(EighResult one, EighResult other) {
        return Accuracy.eigenvalueLimit(one.algorithm()) + Accuracy.eigenvalueLimit(other.algorithm());
    }

    private static double[] vectorsOf(EighResult r, int b) {
        int n = r.n();
        double[] v = new double[n * n];
        r.vectors().copyMatrixTo(b, v, 0);
        return v;
    }

    /**
     * Accumulates the worst measures of one row and the largest limit any case was judged by; each case is judged
     * against its own algorithm's limit as it is measured.
     */
    static final class Measure {
        int cases;
        double residual;
        double orthogonality;
        double parity = Double.NaN;
        double residualLimit;
        double orthogonalityLimit;
        double parityLimit = Double.NaN;
        final List<String> failures = new ArrayList<>();

        void invariants(BatchedMatrix a, EighResult r) {
            int n = a.rows();
            double unit = Math.max(n, 1) * a.dtype().epsilon();
            for (int b = 0; b < a.batch(); b++) {
                cases++;
                if (!r.converged()) {
                    fail("matrix did not converge");
                    continue;
                }
                residual(Invariants.residual(a, r, b) / unit, Accuracy.residualLimit(r.algorithm()));
                orthogonality(Invariants.orthogonality(r.vectors(), b) / unit, Accuracy.orthogonalityLimit(r.algorithm()));
                if (!Invariants.ascending(r, b)) {
                    fail("eigenvalues not ascending (n=" + n + ")");
                }
                if (!Invariants.canonicalSigns(r, b)) {
                    fail("signs not canonical (n=" + n + ")");
                }
            }
        }

        void residual(double x, double limit) {
            residual = Math.max(residual, x);
            residualLimit = Math.max(residualLimit, limit);
            if (!(x <= limit)) {
                fail("residual above the limit");
            }
        }

        void orthogonality(double x, double limit) {
            orthogonality = Math.max(orthogonality, x);
            orthogonalityLimit = Math.max(orthogonalityLimit, limit);
            if (!(x <= limit)) {
                fail("orthogonality above the limit");
            }
        }

        void parity(double x, double limit) {
            parity = Double.isNaN(parity) ? x : Math.max(parity, x);
            parityLimit = Double.isNaN(parityLimit) ? limit : Math.max(parityLimit, limit);
            if (!(x <= limit)) {
                fail("differs from the reference");
            }
        }

        void fail(String why) {
            if (!failures.contains(why)) {
                failures.add(why);
            }
        }

        VerificationRow row(String backend, String kernel, String algorithm, DType dtype, String inputs) {
            return new VerificationRow(backend, kernel, algorithm, dtype.shortName(), cases, residual, orthogonality,
                    parity, residualLimit, orthogonalityLimit, parityLimit, failures.isEmpty(), inputs,
                    String.join("; ", failures));
        }
    }
}
