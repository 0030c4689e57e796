package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.BatchedMatrix;
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
        assertArrayEquals(w2, w1, 0.0, "the refresh comes after the parameter step");
        double[][] r = new double[2][];
        double[][] perm = new double[2][];
        int[] dims = {ROWS, COLS};
        for (int k = 0; k < 2; k++) {
            int d = dims[k];
            double[] qOld = get(twin, "w/basis" + k);
            double[] qNew = get(refreshing, "w/basis" + k);
            r[k] = Dense.mul(Dense.t(qOld, d, d), d, d, qNew, d);
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
        assertTrue(Dense.maxAbsDiff(rotated, mNew) < 1e-13 * (1 + Dense.maxAbs(mOld)), "M ← R_Lᵀ M R_R");
        double[] vOld = get(twin, "w/v");
        double[] vNew = get(refreshing, "w/v");
        switch (policy) {
            case KEEP -> assertArrayEquals(vOld, vNew, 0.0);
            case RESET -> {
                assertArrayEquals(new double[ROWS * COLS], vNew, 0.0);
                assertEquals(0, ((long[]) refreshing.state().get("w/age"))[0], "the bias correction restarts");
            }
            case PERMUTE -> {
                double[] permuted = Dense.mul(Dense.mul(Dense.t(perm[0], ROWS, ROWS), ROWS, ROWS, vOld, COLS), ROWS,
                        COLS, perm[1], COLS);
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
                assertTrue(Dense.maxAbsDiff(expected, vNew) < 1e-13 * Dense.maxAbs(vOld), "V' = (R∘R)ᵀ V (R∘R)");
                double sumOld = Arrays.stream(vOld).sum();
                double sumNew = Arrays.stream(vNew).sum();
                assertEquals(sumOld, sumNew, 1e-13 * sumOld, "ROTATE preserves the total second moment");
            }
        }
    }
}
