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
 * Errors are reported in units of n·ε (ε of the dtype); a row passes when every measure is at most {@link #LIMIT}
 * and every structural check (order, signs, convergence, exact symmetry) holds. What {@code eigenbasis verify}
 * prints.
 */
public final class Verifier {
    /** The pass limit, in units of n·ε (for parity also times ‖A‖ and 1/gap, see {@link VerificationRow}). */
    public static final double LIMIT = 16;

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
        return DType.values().length * (algorithms + 3);
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
                        double unit = Math.max(n, 1) * dtype.epsilon() * Math.max(1, n / 2.0 + 1);
                        m.parity(Invariants.maxDifference(r.values().toDoubleArray(), expected.values().toDoubleArray()) / unit);
                        m.parity(Invariants.maxDifference(r.vectors().toDoubleArray(), expected.vectors().toDoubleArray())
                                / (unit / 0.8));
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
                        double[] w = expected.valuesOf(0);
                        double unit = n * dtype.epsilon() * Math.max(Invariants.maxAbs(w), Double.MIN_NORMAL);
                        m.parity(Invariants.maxDifference(r.valuesOf(0), w) / unit);
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
                    m.parity(Invariants.maxDifference(got.toDoubleArray(), expected.toDoubleArray()) / unit);
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
                m.residual(worst / (Math.max(n, 1) * dtype.epsilon() * condition));
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
                    m.parity(Invariants.maxDifference(got.toDoubleArray(), expected.toDoubleArray()) / unit);
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
                m.residual(worst / (Math.max(n, 1) * dtype.epsilon() * Invariants.maxAbs(xv) * condition * Math.sqrt(n)));
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
                m.orthogonality(Invariants.orthogonality(got.basis(), 0) / unit);
                if (!isReference()) {
                    double conditioning = n == 1 ? 1 : 16;
                    m.parity(Invariants.maxDifference(got.basis().toDoubleArray(), expected.basis().toDoubleArray())
                            / (unit * conditioning));
                    m.parity(Math.abs(got.offDiagonal(0) - expected.offDiagonal(0)) / (unit * conditioning));
                }
            }
        }
        return m.row(backend.name(), "refresh", "qr(AQ) x" + steps, dtype, "n 1-64; parity in n·ε·κ(A²)");
    }

    /** Accumulates the worst measures of one row. */
    private static final class Measure {
        int cases;
        double residual;
        double orthogonality;
        double parity = Double.NaN;
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
                residual(Invariants.residual(a, r, b) / unit);
                orthogonality(Invariants.orthogonality(r.vectors(), b) / unit);
                if (!Invariants.ascending(r, b)) {
                    fail("eigenvalues not ascending (n=" + n + ")");
                }
                if (!Invariants.canonicalSigns(r, b)) {
                    fail("signs not canonical (n=" + n + ")");
                }
            }
        }

        void residual(double x) {
            residual = Math.max(residual, x);
        }

        void orthogonality(double x) {
            orthogonality = Math.max(orthogonality, x);
        }

        void parity(double x) {
            parity = Double.isNaN(parity) ? x : Math.max(parity, x);
        }

        void fail(String why) {
            if (!failures.contains(why)) {
                failures.add(why);
            }
        }

        VerificationRow row(String backend, String kernel, String algorithm, DType dtype, String inputs) {
            boolean ok = failures.isEmpty() && residual <= LIMIT && orthogonality <= LIMIT
                    && (Double.isNaN(parity) || parity <= LIMIT);
            if (!(residual <= LIMIT && orthogonality <= LIMIT) && failures.isEmpty()) {
                failures.add("invariant above the limit");
            }
            if (!Double.isNaN(parity) && !(parity <= LIMIT)) {
                failures.add("differs from the reference");
            }
            return new VerificationRow(backend, kernel, algorithm, dtype.shortName(), cases, residual, orthogonality,
                    parity, LIMIT, ok, inputs, String.join("; ", failures));
        }
    }
}
