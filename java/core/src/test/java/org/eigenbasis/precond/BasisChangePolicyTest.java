package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.Accuracy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The second-moment policy at a basis change, checked against a twin optimizer that never refreshes: both see the
 * same gradients, so before the refresh their states are equal, and after it V and M must be related as the policy
 * says (with R_k = Q_kᵀ Q_k' the change of basis of each factor).
 */
class BasisChangePolicyTest {
    private static final Backend JAVA = Backends.select("java");
    private static final int ROWS = 4;
    private static final int COLS = 3;

    private static EigenbasisOptimizer soap(int frequency, BasisChangePolicy policy, double[] w) {
        SoapConfig config = new SoapConfig(0.01, new double[] {0.9, 0.95}, 0.5, 1e-8, 0, frequency, 100, false, false,
                false, true, policy);
        return Optimizers.soap(config, List.of(Parameter.of("w", w, ROWS, COLS)), JAVA);
    }

    private static double[] get(EigenbasisOptimizer opt, String key) {
        return ((BatchedMatrix) opt.state().get(key)).toDoubleArray();
    }

    @ParameterizedTest
    @EnumSource(BasisChangePolicy.class)
    void theSecondMomentFollowsThePolicyAndTheFirstMomentIsRotatedExactly(BasisChangePolicy policy) {
        double[] w1 = Dense.random(new Random(1), ROWS * COLS);
        double[] w2 = w1.clone();
        EigenbasisOptimizer refreshing = soap(4, policy, w1);
        EigenbasisOptimizer twin = soap(1000, policy, w2);
        Random rng = new Random(2);
        // Call 1 initialises; calls 2..5 are t = 1..4; the refresh runs at the end of t = 4. The gradients drift in
        // a rotating frame so the refresh changes the basis substantially.
        for (int call = 1; call <= 5; call++) {
            double[] g = Dense.random(rng, ROWS * COLS);
            for (int i = 0; i < ROWS; i++) {
                g[i * COLS] += 3 * Math.cos(call + i);
            }
            refreshing.step(new Gradients().put("w", g.clone()));
            twin.step(new Gradients().put("w", g.clone()));
        }
        // Exact: until the refresh at the end of t = 4 both run the same operations on the same inputs.
        assertArrayEquals(w2, w1, 0.0, "the refresh comes after the parameter step");
        double[][] r = new double[2][];
        double[][] rError = new double[2][];
        double[][] rBound = new double[2][];
        double[][] perm = new double[2][];
        int[] dims = {ROWS, COLS};
        for (int k = 0; k < 2; k++) {
            int d = dims[k];
            double[] qOld = get(twin, "w/basis" + k);
            double[] qNew = get(refreshing, "w/basis" + k);
            r[k] = Dense.mul(Dense.t(qOld, d, d), d, d, qNew, d);
            // R = Q_oldᵀQ_new as the optimizer and this test form it, each a sum of d products: within
            // γ_d·|Q_old|ᵀ|Q_new| of the exact product, entrywise (Higham §3.5). rBound: |R| + that, an upper bound on
            // the exact |R|.
            double[] absR = Dense.mul(Dense.t(abs(qOld), d, d), d, d, abs(qNew), d);
            rBound[k] = new double[d * d];
            for (int i = 0; i < d * d; i++) {
                absR[i] *= ErrorBounds.gamma(d, DType.F64);
                rBound[k][i] = Math.abs(r[k][i]) + absR[i];
            }
            rError[k] = absR;
            // Not a rounding tolerance: the refresh must have turned the basis, by far more than rounding would.
            assertTrue(Dense.maxAbsDiff(Dense.identity(d), r[k]) > 1e-3, "the basis of dim " + k + " changed");
            // The sort the refresh applies: Q_old's columns by descending diag(Q_oldᵀ F Q_old).
            double[] f = get(twin, "w/factor" + k);
            double[] rayleigh = Dense.mul(Dense.t(qOld, d, d), d, d, Dense.mul(f, d, d, qOld, d), d);
            Integer[] order = new Integer[d];
            for (int j = 0; j < d; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (x, y) -> Double.compare(rayleigh[y * d + y], rayleigh[x * d + x]));
            perm[k] = new double[d * d];
            for (int j = 0; j < d; j++) {
                perm[k][order[j] * d + j] = 1;
            }
        }
        double[] mOld = get(twin, "w/m");
        double[] mNew = get(refreshing, "w/m");
        double[] rotated = Dense.mul(Dense.mul(Dense.t(r[0], ROWS, ROWS), ROWS, ROWS, mOld, COLS), ROWS, COLS, r[1], COLS);
        // M' = R_Lᵀ M R_R: both sides form it from their own R (each within rError of the exact one) by two products
        // (sums of ROWS and COLS terms: γ_{ROWS+COLS} relative to |R_L|ᵀ|M||R_R|, Higham §3.5), so each is within
        // (|R_L| + ΔR_L)ᵀ|M|(|R_R| + ΔR_R)(1 + γ_{ROWS+COLS}) − |R_L|ᵀ|M||R_R| of the exact M', with |R| the bound
        // above; the two within twice that.
        double[] mBound = twoSided(rBound[0], rError[0], abs(mOld), rBound[1], rError[1], false);
        double mWorst = 0;
        for (int i = 0; i < mBound.length; i++) {
            assertEquals(rotated[i], mNew[i], mBound[i], "M ← R_Lᵀ M R_R at " + i);
            mWorst = Math.max(mWorst, Math.abs(rotated[i] - mNew[i]) / mBound[i]);
        }
        double[] vOld = get(twin, "w/v");
        double[] vNew = get(refreshing, "w/v");
        switch (policy) {
            case KEEP -> assertArrayEquals(vOld, vNew, 0.0, "V is not touched");
            case RESET -> {
                assertArrayEquals(new double[ROWS * COLS], vNew, 0.0);
                assertEquals(0, ((long[]) refreshing.state().get("w/age"))[0], "the bias correction restarts");
            }
            case PERMUTE -> {
                double[] permuted = Dense.mul(Dense.mul(Dense.t(perm[0], ROWS, ROWS), ROWS, ROWS, vOld, COLS), ROWS,
                        COLS, perm[1], COLS);
                // Exact: permuting copies entries, and the test's products with a 0/1 matrix add exact zeros.
                assertArrayEquals(permuted, vNew, 0.0, "V permuted like the columns, exactly");
            }
            case ROTATE -> {
                double[] expected = new double[ROWS * COLS];
                for (int i = 0; i < ROWS; i++) {
                    for (int j = 0; j < COLS; j++) {
                        for (int p = 0; p < ROWS; p++) {
                            for (int q = 0; q < COLS; q++) {
                                double a = r[0][p * ROWS + i];
                                double b = r[1][q * COLS + j];
                                expected[i * COLS + j] += a * a * b * b * vOld[p * COLS + q];
                            }
                        }
                    }
                }
                // V' = (R_L∘R_L)ᵀ V (R_R∘R_R): sums of positive terms. The optimizer squares its R (one rounding) and
                // takes two products; this test multiplies four factors and sums ROWS·COLS terms: within
                // γ_{ROWS·COLS+4} relative, with R's own error entering squared as for M above.
                double[] vBound = twoSided(rBound[0], rError[0], vOld, rBound[1], rError[1], true);
                for (int i = 0; i < vBound.length; i++) {
                    assertEquals(expected[i], vNew[i], vBound[i], "V' = (R∘R)ᵀ V (R∘R) at " + i);
                }
                // Σ V' = Σ_pq V_pq ‖row p of R_L‖² ‖row q of R_R‖², and the rows of R = Q_oldᵀQ_new have norm 1 up
                // to the departure of the bases from orthogonality: ‖q_p‖² − 1 and ‖Q_newᵀx‖² − ‖x‖² are within
                // ‖I − QᵀQ‖₁ of the eigendecomposition's basis (Accuracy.orthogonalityLimit·d·ε) and of the QR
                // refresh's (Accuracy.qrOrthogonalityLimit·d·ε). Each row norm² of the computed R also moves by at most
                // 2√d·γ_d·‖row‖ + d·γ_d² (rError ≤ γ_d entrywise, as ‖q‖ ≈ 1). Then the optimizer's own products and
                // the two sums of ROWS·COLS positive terms: γ_{ROWS·COLS+4} and 2γ_{ROWS·COLS}.
                double sumOld = Arrays.stream(vOld).sum();
                double sumNew = Arrays.stream(vNew).sum();
                double rows = 1;
                for (int d : dims) {
                    double orthogonal = (Accuracy.orthogonalityLimit(EighAlgorithm.AUTO)
                            + Accuracy.qrOrthogonalityLimit()) * d * DType.F64.epsilon();
                    double g = ErrorBounds.gamma(d, DType.F64);
                    rows *= 1 + orthogonal + 2 * Math.sqrt(d) * g * (1 + orthogonal) + d * g * g;
                }
                double relative = rows * (1 + ErrorBounds.gamma(ROWS * COLS + 4, DType.F64)) - 1
                        + 2 * ErrorBounds.gamma(ROWS * COLS, DType.F64);
                assertEquals(sumOld, sumNew, relative * sumOld, "ROTATE preserves the total second moment");
            }
        }
        System.out.printf("%s: M' within %.3g of its bound%n", policy, mWorst);
    }

    /**
     * The bound on |L̃ᵀ X R̃ − LᵀXR| entrywise, twice (two computations), with |L| ≤ lBound, |L̃ − L| ≤ lError (and
     * likewise R), X ≥ 0 here (|M| or V), the products rounded by γ_k: (lBound + lError)ᵀ X (rBound + rError)·(1 + γ_k)
     * − lBoundᵀ X rBound. Squared: every entry of L, R enters squared (the ROTATE policy), k = ROWS·COLS + 4.
     */
    private static double[] twoSided(double[] lBound, double[] lError, double[] x, double[] rBound, double[] rError,
                                     boolean squared) {
        double[] hiL = new double[lBound.length];
        double[] loL = new double[lBound.length];
        double[] hiR = new double[rBound.length];
        double[] loR = new double[rBound.length];
        for (int i = 0; i < hiL.length; i++) {
            hiL[i] = lBound[i] + lError[i];
            loL[i] = lBound[i];
            if (squared) {
                hiL[i] *= hiL[i];
                loL[i] *= loL[i];
            }
        }
        for (int i = 0; i < hiR.length; i++) {
            hiR[i] = rBound[i] + rError[i];
            loR[i] = rBound[i];
            if (squared) {
                hiR[i] *= hiR[i];
                loR[i] *= loR[i];
            }
        }
        int k = squared ? ROWS * COLS + 4 : ROWS + COLS;
        double[] hi = Dense.mul(Dense.mul(Dense.t(hiL, ROWS, ROWS), ROWS, ROWS, x, COLS), ROWS, COLS, hiR, COLS);
        double[] lo = Dense.mul(Dense.mul(Dense.t(loL, ROWS, ROWS), ROWS, ROWS, x, COLS), ROWS, COLS, loR, COLS);
        double[] bound = new double[hi.length];
        for (int i = 0; i < hi.length; i++) {
            bound[i] = 2 * (hi[i] * (1 + ErrorBounds.gamma(k, DType.F64)) - lo[i]);
        }
        return bound;
    }

    private static double[] abs(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.abs(x[i]);
        }
        return y;
    }
}
