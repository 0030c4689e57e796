package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.linalg.EigenbasisRefresh;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.RefreshResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Native against reference: a backend's results agree with the java reference within a tolerance scaled by
 * n·ε·‖A‖ (eigenvalues), n·ε·‖A‖/gap (eigenvectors, with canonical signs, on spectra with a known gap) and by
 * the eigenspace projector when eigenvalues repeat.
 */
public abstract class ParityContract extends BackendContract {
    protected static final double C = 16;
    private final Backend reference = new JavaBackend();



    Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (EighAlgorithm algorithm : EighAlgorithm.values()) {
            if (!backend().eigh().supports(algorithm)) {
                continue;
            }
            for (int n : new int[] {1, 2, 3, 8, 17, 33, 64, 100, 160}) {
                if (algorithm == EighAlgorithm.JACOBI && n > 64) {
                    continue;
                }
                for (DType dtype : DType.values()) {
                    out.add(Arguments.of(algorithm, n, dtype));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} n={1} {2}")
    @MethodSource("cases")
    void eighAgreesWithTheReference(EighAlgorithm algorithm, int n, DType dtype) {
        Random rng = new Random(31L * n + algorithm.ordinal());
        int batch = 3;
        double[][] ms = new double[batch][];
        for (int b = 0; b < batch; b++) {
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = (i - n / 2.0) + 0.2 * rng.nextDouble();   // gaps ≥ 0.8, ‖A‖ ≈ n/2
            }
            ms[b] = SeededMatrices.withSpectrum(w, rng);
        }
        try (BatchedMatrix a = SeededMatrices.batch(dtype, n, ms);
             EighResult ref = SymmetricEigen.on(reference).decompose(a);
             EighResult got = SymmetricEigen.on(backend()).decompose(a, EighOptions.defaults().withAlgorithm(algorithm))) {
            double norm = Math.max(1, n / 2.0 + 1);
            double valueTol = C * n * dtype.epsilon() * norm;
            double vectorTol = C * n * dtype.epsilon() * norm / 0.8;
            double[] rv = ref.values().toDoubleArray();
            double[] gv = got.values().toDoubleArray();
            for (int k = 0; k < rv.length; k++) {
                assertEquals(rv[k], gv[k], valueTol, "eigenvalue " + k);
            }
            double[] rq = ref.vectors().toDoubleArray();
            double[] gq = got.vectors().toDoubleArray();
            for (int k = 0; k < rq.length; k++) {
                assertEquals(rq[k], gq[k], vectorTol, "eigenvector entry " + k + " (same sign rule on both backends)");
            }
        }
    }

    @Test
    void repeatedEigenvaluesSpanTheSameEigenspaces() {
        int n = 20;
        Random rng = new Random(8);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = i < 8 ? -2 : i < 15 ? 1 : 5;             // multiplicities 8, 7, 5
        }
        for (DType dtype : DType.values()) {
            try (BatchedMatrix a = SeededMatrices.batch(dtype, n, SeededMatrices.withSpectrum(w, rng));
                 EighResult ref = SymmetricEigen.on(reference).decompose(a);
                 EighResult got = SymmetricEigen.on(backend()).decompose(a)) {
                int[][] clusters = {{0, 8}, {8, 15}, {15, 20}};
                for (int[] c : clusters) {
                    double[] p = projector(ref, c[0], c[1]);
                    double[] q = projector(got, c[0], c[1]);
                    for (int k = 0; k < p.length; k++) {
                        assertEquals(p[k], q[k], C * n * dtype.epsilon() * 5, dtype + " projector " + c[0] + ".." + c[1]);
                    }
                }
            }
        }
    }

    private static double[] projector(EighResult r, int from, int to) {
        int n = r.n();
        double[] v = new double[n * n];
        r.vectors().copyMatrixTo(0, v, 0);
        double[] p = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = from; k < to; k++) {
                    p[i * n + j] += v[i * n + k] * v[j * n + k];
                }
            }
        }
        return p;
    }

    @Test
    void spectralKernelsAgreeWithTheReference() {
        Random rng = new Random(12);
        for (DType dtype : DType.values()) {
            for (int n : new int[] {1, 5, 16, 47}) {
                int batch = 3;
                int m = 4;
                double[][] qs = new double[batch][];
                for (int b = 0; b < batch; b++) {
                    qs[b] = SeededMatrices.randomOrthogonal(n, rng);
                }
                double[] f = new double[batch * n];
                double[] x = new double[batch * n * m];
                for (int k = 0; k < f.length; k++) {
                    f[k] = rng.nextGaussian();
                }
                for (int k = 0; k < x.length; k++) {
                    x[k] = rng.nextGaussian();
                }
                try (BatchedMatrix v = SeededMatrices.batch(dtype, n, qs);
                     BatchedMatrix fv = BatchedMatrix.of(f, batch, 1, n).convert(dtype);
                     BatchedMatrix xv = BatchedMatrix.of(x, batch, n, m).convert(dtype);
                     BatchedMatrix r1 = BatchedMatrix.zeros(dtype, batch, n, n);
                     BatchedMatrix r2 = BatchedMatrix.zeros(dtype, batch, n, n);
                     BatchedMatrix a1 = BatchedMatrix.zeros(dtype, batch, n, m);
                     BatchedMatrix a2 = BatchedMatrix.zeros(dtype, batch, n, m)) {
                    reference.spectral().reconstruct(v, fv, r1);
                    backend().spectral().reconstruct(v, fv, r2);
                    reference.spectral().apply(v, fv, xv, a1);
                    backend().spectral().apply(v, fv, xv, a2);
                    double tol = C * n * dtype.epsilon() * 4;
                    assertClose(r1.toDoubleArray(), r2.toDoubleArray(), tol, "reconstruct n=" + n + " " + dtype);
                    assertClose(a1.toDoubleArray(), a2.toDoubleArray(), tol * 4, "apply n=" + n + " " + dtype);
                    for (int b = 0; b < batch; b++) {
                        for (int i = 0; i < n; i++) {
                            for (int j = 0; j < n; j++) {
                                assertEquals(r2.get(b, i, j), r2.get(b, j, i), 0, "f(A) exactly symmetric");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void refreshAgreesWithTheReference() {
        Random rng = new Random(13);
        for (DType dtype : DType.values()) {
            for (int n : new int[] {1, 4, 19, 40}) {
                double[] lambda = SeededMatrices.geometric(n, 50, 1);
                double[] a = SeededMatrices.withSpectrum(lambda, rng);
                double[] start = SeededMatrices.randomOrthogonal(n, rng);
                try (BatchedMatrix am = SeededMatrices.batch(dtype, n, a, a);
                     BatchedMatrix qm = SeededMatrices.batch(dtype, n, start, SeededMatrices.identity(n));
                     RefreshResult ref = EigenbasisRefresh.on(reference).refresh(am, qm, 3);
                     RefreshResult got = EigenbasisRefresh.on(backend()).refresh(am, qm, 3)) {
                    // Q after 3 QR steps from a random start is well conditioned: compare entrywise.
                    double tol = 1e3 * n * dtype.epsilon();
                    assertClose(ref.basis().toDoubleArray(), got.basis().toDoubleArray(), tol, "basis n=" + n + " " + dtype);
                    assertClose(ref.rayleigh().toDoubleArray(), got.rayleigh().toDoubleArray(), tol * 50, "rayleigh");
                    for (int b = 0; b < 2; b++) {
                        assertEquals(ref.offDiagonal(b), got.offDiagonal(b), tol, "off-diagonal measure");
                    }
                }
            }
        }
    }

    private static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double worst = 0;
        for (int k = 0; k < expected.length; k++) {
            worst = Math.max(worst, Math.abs(expected[k] - actual[k]));
        }
        assertTrue(worst <= tol, what + ": max difference " + worst + " > " + tol);
    }
}
