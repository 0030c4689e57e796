package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eigenbasis.linalg.EigenbasisRefresh;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.RefreshResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.Accuracy;
import org.eigenbasis.verify.Invariants;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Native against reference: a backend's results agree with the java reference within what both algorithms
 * guarantee ({@link Accuracy}): eigenvalues within the sum of the two eigenvalue bounds, n·ulp·‖A‖₁ times the
 * limits; eigenvectors (canonical signs, spectra with a known gap) within that over the gap (Davis–Kahan, times
 * √2 for the distance of two unit vectors at that angle); eigenspace projectors likewise when eigenvalues repeat;
 * the spectral kernels and the refresh within Higham's rounding bounds ({@link ErrorBounds}).
 */
public abstract class ParityContract extends BackendContract {
    private final Backend reference = Backends.select("java");

    /** The bound on |λ̂ − λ̂_ref| for both decompositions of matrix b of a (see the class comment). */
    private static double eigenvalueDifference(BatchedMatrix a, EighResult one, EighResult other, int b) {
        return (Accuracy.eigenvalueLimit(one.algorithm()) + Accuracy.eigenvalueLimit(other.algorithm()))
                * Math.max(a.rows(), 1) * a.dtype().epsilon() * Invariants.norm1(a, b);
    }



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
            for (int b = 0; b < batch; b++) {
                double valueTol = eigenvalueDifference(a, ref, got, b);
                double vectorTol = Math.sqrt(2) * valueTol / 0.8;                 // gaps ≥ 0.8
                assertArrayEquals(ref.valuesOf(b), got.valuesOf(b), valueTol, "eigenvalues of matrix " + b);
                double[] rq = new double[n * n];
                double[] gq = new double[n * n];
                ref.vectors().copyMatrixTo(b, rq, 0);
                got.vectors().copyMatrixTo(b, gq, 0);
                assertArrayEquals(rq, gq, vectorTol, "eigenvectors of matrix " + b + " (same sign rule on both backends)");
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
                // ‖P̂ − P‖₂ = ‖sin Θ‖₂ ≤ ‖E‖₂ / gap (Davis–Kahan); the nearest other cluster is 3 away.
                double tol = eigenvalueDifference(a, ref, got, 0) / 3;
                for (int[] c : clusters) {
                    assertArrayEquals(projector(ref, c[0], c[1]), projector(got, c[0], c[1]), tol,
                            dtype + " projector " + c[0] + ".." + c[1]);
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
                    // V diag(f) Vᵀ: each entry a sum of n products of three factors, |error| ≤ γ_{n+2}·max|f| (rows
                    // of V are unit vectors, Cauchy–Schwarz). V diag(f) Vᵀ X, either association: |error| ≤
                    // (√n + 1)·γ_{n+2}·max|f|·‖x_j‖₂ (‖x_j‖₂ ≤ √n·max|x|). Two backends: twice each.
                    double fmax = Invariants.maxAbs(f);
                    double tol = 2 * ErrorBounds.gamma(n + 2, dtype) * fmax;
                    double applyTol = 2 * (Math.sqrt(n) + 1) * ErrorBounds.gamma(n + 2, dtype) * fmax
                            * Math.sqrt(n) * Invariants.maxAbs(xv.toDoubleArray());
                    assertClose(r1.toDoubleArray(), r2.toDoubleArray(), tol, "reconstruct n=" + n + " " + dtype);
                    assertClose(a1.toDoubleArray(), a2.toDoubleArray(), applyTol, "apply n=" + n + " " + dtype);
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
                double[] lambda = SeededMatrices.geometric(n, 4, 1);              // κ₂(A) = 4
                double[] a = SeededMatrices.withSpectrum(lambda, rng);
                double[] start = SeededMatrices.randomOrthogonal(n, rng);
                try (BatchedMatrix am = SeededMatrices.batch(dtype, n, a, a);
                     BatchedMatrix qm = SeededMatrices.batch(dtype, n, start, SeededMatrices.identity(n));
                     RefreshResult ref = EigenbasisRefresh.on(reference).refresh(am, qm, 3);
                     RefreshResult got = EigenbasisRefresh.on(backend()).refresh(am, qm, 3)) {
                    // Each step is Q ← qr(A·Q): a backward-stable product and Householder QR, so the new Q is the
                    // exact factor of A·Q + ΔM with ‖ΔM‖ of order n·ulp·‖A‖, and the Q factor moves by at most
                    // κ₂(A)·‖ΔM‖/‖A‖ (first-order QR perturbation, Sun 1991). An error in the incoming Q is
                    // multiplied by at most κ₂(A) too, so after 3 steps the scale is (κ + κ² + κ³)·n·ulp; κ₂(A) = 4
                    // here. Judged with LAPACK's threshold, for both backends.
                    double kappa = n == 1 ? 1 : 4;
                    double growth = kappa + kappa * kappa + kappa * kappa * kappa;
                    double tol = 2 * ErrorBounds.threshold(growth, n, dtype, 1);
                    assertClose(ref.basis().toDoubleArray(), got.basis().toDoubleArray(), tol, "basis n=" + n + " " + dtype);
                    // B = QᵀAQ moves by ‖ΔB‖₂ ≤ 2‖A‖₂‖ΔQ‖₂ ≤ 2·4·n·tol (‖ΔQ‖₂ ≤ n·max entry), plus the rounding
                    // of its own two products; the measure ‖off(B)‖_F/‖B‖_F (‖B‖_F ≥ ‖A‖₂ = 4) by ΔB_F/4.
                    double rayleighTol = 2 * 4 * n * tol + 2 * ErrorBounds.threshold(1, n, dtype, 4);
                    assertClose(ref.rayleigh().toDoubleArray(), got.rayleigh().toDoubleArray(), rayleighTol, "rayleigh");
                    for (int b = 0; b < 2; b++) {
                        assertEquals(ref.offDiagonal(b), got.offDiagonal(b), Math.sqrt(n) * rayleighTol / 4 * 2,
                                "off-diagonal measure");
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
