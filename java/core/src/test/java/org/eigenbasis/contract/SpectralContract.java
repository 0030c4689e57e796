package org.eigenbasis.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.eigenbasis.filter.SpectralFilter;
import org.eigenbasis.linalg.SpectralFunctions;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.verify.Invariants;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Spectral functions on every backend, checked against identities that hold whatever the eigenbasis. f(A) is
 * computed from an eigendecomposition that is exact for A + E with ‖E‖ of order n·ulp·‖A‖ (backward stability,
 * {@link org.eigenbasis.verify.Accuracy}), so each identity's error scale is that relative backward error times the
 * identity's condition number; tolerances are that scale judged with LAPACK's threshold ({@link ErrorBounds}).
 */
public abstract class SpectralContract extends BackendContract {


    private SpectralFunctions spectral() {
        return SpectralFunctions.on(backend());
    }

    /** SPD matrices with condition number 1e3, n = 1, 7, 33. */
    private static double[][] spd(Random rng) {
        return new double[][] {
            SeededMatrices.withSpectrum(SeededMatrices.geometric(7, 1e-2, 10), rng),
        };
    }

    private static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }


    private static double[] multiply(double[] a, double[] b, int n, int m) {
        double[] out = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < m; j++) {
                    out[i * m + j] += a[i * n + k] * b[k * m + j];
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void inverseSquareRootSquaredIsTheInverse(DType dtype) {
        Random rng = new Random(1);
        for (int n : new int[] {1, 7, 33}) {
            double[] a = SeededMatrices.withSpectrum(SeededMatrices.geometric(n, 0.1, 10), rng);
            try (BatchedMatrix m = SeededMatrices.batch(dtype, n, a);
                 BatchedMatrix root = spectral().apply(m, SpectralFilter.inverseRoot(2, 0))) {
                double[] r = root.toDoubleArray();
                double[] prod = multiply(multiply(r, r, n, n), a, n, n);      // A^{-1/2} A^{-1/2} A = I
                // R R A − I = −(A + E)⁻¹E: the scale is κ₂(A)·n·ulp, κ₂(A) = 100.
                double tol = ErrorBounds.threshold(100, n, dtype, 1);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        assertEquals(i == j ? 1 : 0, prod[i * n + j], tol, "n=" + n + " (" + i + "," + j + ")");
                        assertEquals(r[i * n + j], r[j * n + i], 0, "f(A) must be exactly symmetric");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void dampedInverseSolvesTheShiftedSystem(DType dtype) {
        Random rng = new Random(2);
        int n = 12;
        int m = 3;
        double delta = 0.5;
        double[] a = SeededMatrices.withSpectrum(SeededMatrices.geometric(n, 0.01, 5), rng);
        double[] x = new double[n * m];
        for (int k = 0; k < x.length; k++) {
            x[k] = rng.nextGaussian();
        }
        try (BatchedMatrix am = SeededMatrices.batch(dtype, n, a); BatchedMatrix xm = toBatch(dtype, x, n, m);
             BatchedMatrix y = spectral().applyTo(am, SpectralFilter.dampedInverse(delta), xm)) {
            double[] ys = y.toDoubleArray();
            double[] shifted = a.clone();
            for (int i = 0; i < n; i++) {
                shifted[i * n + i] += delta;
            }
            double[] back = multiply(shifted, ys, n, m);            // (A + δI) y = x
            // (A + δI)ŷ − x = −E ŷ with ‖ŷ‖ ≤ ‖x‖/δ_min: the scale is κ₂(A + δI)·n·ulp·‖x‖, κ = 5.5/0.51.
            double tol = ErrorBounds.threshold(5.5 / 0.51, n, dtype, Math.sqrt(n) * maxAbs(x));
            for (int k = 0; k < x.length; k++) {
                assertEquals(x[k], back[k], tol, "entry " + k);
            }
        }
    }

    private static BatchedMatrix toBatch(DType dtype, double[] x, int n, int m) {
        try (BatchedMatrix f64 = BatchedMatrix.of(x, 1, n, m)) {
            return f64.convert(dtype);
        }
    }

    @Test
    void applyToEqualsApplyTimesX() {
        Random rng = new Random(3);
        int n = 17;
        int m = 5;
        int batch = 4;
        double[][] as = new double[batch][];
        for (int b = 0; b < batch; b++) {
            as[b] = SeededMatrices.randomSymmetric(n, rng);
        }
        double[] x = new double[batch * n * m];
        for (int k = 0; k < x.length; k++) {
            x[k] = rng.nextGaussian();
        }
        SpectralFilter cube = SpectralFilter.of("cube", l -> l * l * l);
        try (BatchedMatrix a = SeededMatrices.batch(DType.F64, n, as); BatchedMatrix xm = BatchedMatrix.of(x, batch, n, m);
             BatchedMatrix fa = spectral().apply(a, cube); BatchedMatrix fax = spectral().applyTo(a, cube, xm)) {
            for (int b = 0; b < batch; b++) {
                double[] f = new double[n * n];
                fa.copyMatrixTo(b, f, 0);
                double[] xs = new double[n * m];
                xm.copyMatrixTo(b, xs, 0);
                double[] expected = multiply(f, xs, n, m);
                double[] direct = multiply(multiply(multiply(as[b], as[b], n, n), as[b], n, n), xs, n, m);  // A³ X
                double[] got = new double[n * m];
                fax.copyMatrixTo(b, got, 0);
                // λ ↦ λ³ has relative condition 3; |(A³X)_ij| ≤ ‖A‖₂³·‖x_j‖₂ ≤ ‖A‖₁³·√n·max|x|.
                double scale = Math.pow(Invariants.norm1(as[b], n), 3) * Math.sqrt(n) * maxAbs(xs);
                double tol = 2 * ErrorBounds.threshold(3, n, DType.F64, scale);    // two decompositions
                for (int k = 0; k < got.length; k++) {
                    assertEquals(expected[k], got[k], tol);
                    assertEquals(direct[k], got[k], tol);
                }
            }
        }
    }

    @Test
    void ridgeAndGradientFlowMatchTheirClosedForms() {
        Random rng = new Random(4);
        int n = 10;
        double r = 0.3;
        double t = 2.0;
        double[] w = SeededMatrices.geometric(n, 1e-3, 4);
        w[0] = 0;                                              // a flat direction: gradient flow's limit t
        double[] a = SeededMatrices.withSpectrum(w, rng);
        try (BatchedMatrix m = SeededMatrices.batch(DType.F64, n, a);
             BatchedMatrix ridge = spectral().apply(m, SpectralFilter.ridge(r));
             BatchedMatrix flow = spectral().apply(m, SpectralFilter.gradientFlow(t));
             BatchedMatrix inverse = spectral().apply(m, SpectralFilter.dampedInverse(r))) {
            // ridge(A) = (A + rI)^{-1} A
            double[] expected = multiply(inverse.toDoubleArray(), a, n, n);
            double[] got = ridge.toDoubleArray();
            // ridge(A) = A(A + rI)⁻¹ with κ₂(A + rI) = 4.3/0.3; both sides from the same decomposition.
            double ridgeTol = 2 * ErrorBounds.threshold(4.3 / 0.3, n, DType.F64, 1);
            for (int k = 0; k < got.length; k++) {
                assertEquals(expected[k], got[k], ridgeTol);
            }
            // gradient flow: trace f(A) = Σ (1 − e^{−tλ})/λ with the λ = 0 term equal to t
            double trace = 0;
            double expectedTrace = 0;
            for (int i = 0; i < n; i++) {
                trace += flow.get(0, i, i);
                expectedTrace += w[i] == 0 ? t : -Math.expm1(-t * w[i]) / w[i];
            }
            // Σ f(λ̂_i) with |f'| ≤ t²/2 and |λ̂ − λ| of order n·ulp·‖A‖ (‖A‖₂ = 4), plus the trace's drift
            // from V's departure from orthogonality, of order n·ulp·Σ|f| ≤ n·ulp·n·t.
            double traceTol = n * ErrorBounds.threshold(1, n, DType.F64, t * t / 2 * 4 + t);
            assertEquals(expectedTrace, trace, traceTol);
        }
    }

    @Test
    void nonFiniteFilterValuesAreReportedWithTheEigenvalue() {
        double[] singular = {1, 0, 0, 0};                      // eigenvalues 0 and 1
        try (BatchedMatrix m = SeededMatrices.batch(DType.F64, 2, new double[] {1, 0, 0, 1}, singular)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> spectral().apply(m, SpectralFilter.inverseRoot(2, 0)));
            assertTrue(e.getMessage().contains("matrix 1") && e.getMessage().contains("inverse_root"), e.getMessage());
        }
    }

    @Test
    void mismatchedRightHandSidesAreRejected() {
        try (BatchedMatrix a = SeededMatrices.batch(DType.F64, 3, SeededMatrices.identity(3), SeededMatrices.identity(3));
             BatchedMatrix wrongBatch = BatchedMatrix.zeros(DType.F64, 3, 3, 2);
             BatchedMatrix wrongRows = BatchedMatrix.zeros(DType.F64, 2, 4, 2);
             BatchedMatrix wrongType = BatchedMatrix.zeros(DType.F32, 2, 3, 2)) {
            SpectralFilter f = SpectralFilter.ridge(1);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> spectral().applyTo(a, f, wrongBatch))
                    .getMessage().startsWith("x: batch 3"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> spectral().applyTo(a, f, wrongRows))
                    .getMessage().startsWith("x: "));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> spectral().applyTo(a, f, wrongType))
                    .getMessage().contains("dtype"));
        }
    }
}
