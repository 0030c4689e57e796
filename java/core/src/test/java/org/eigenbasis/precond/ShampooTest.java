package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Shampoo on hand-computed cases: L^{-1/4} G R^{-1/4} of symmetric and diagonal matrices, and norm grafting. */
class ShampooTest {
    private static final Backend JAVA = Backends.select("java");
    private static final double[] G1 = {1, 2, 2, 1};

    private static EigenbasisOptimizer shampoo(double[] p, int rows, int cols, Grafting grafting, double exponent,
                                               int start) {
        ShampooConfig config = new ShampooConfig(0.1, new double[] {0, 1}, 0, 0, 1, start, exponent, grafting, 0.75,
                1e-12, 1024, true);
        return Optimizers.shampoo(config, List.of(Parameter.of("w", p, rows, cols)), JAVA);
    }

    /**
     * The error of lr·L^(−e) G R^(−e) from eigendecompositions within Accuracy's limits: each is exact for its factor
     * perturbed by E of order n·ulp·‖F‖ (backward stability), which moves F^(−e) by at most |d/dλ λ^(−e)| at λ_min
     * times ‖E‖ (divided differences of the spectral function), i.e. by e·κ(F)·n·ulp relative to ‖F^(−e)‖. So the
     * error's scale is (e_L·κ(L) + e_R·κ(R))·n·ulp·lr·‖L^(−e)‖₂‖G‖₂‖R^(−e)‖₂, judged with LAPACK's threshold
     * (ErrorBounds.threshold, as SpectralContract). The closed forms' few roundings are far inside it.
     */
    private static double eigenTolerance(double condition, double scale) {
        return ErrorBounds.threshold(condition, 2, DType.F64, scale);
    }

    /**
     * A diagonal factor's eigendecomposition on the java backend is exact (TridiagonalQL reflects nothing in an
     * already reduced column and its QL splits at every zero off-diagonal entry; the power-of-two scaling is exact),
     * so a diagonal case has only the roundings of its formula: per entry (λ_L)^(1/4) and (λ_R)^(1/4) (Math.pow,
     * 1 ulp = 2u each), their product, the quotient and lr·…: γ₇ relative on each side.
     */
    private static final double DIAGONAL = 2 * ErrorBounds.gamma(7, DType.F64);

    private static double[] minus(double[] p0, double lr, double[] u) {
        double[] out = p0.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] -= lr * u[i];
        }
        return out;
    }

    @Test
    void twoStepsWithoutGraftingAreThePolarFactorThenTheInverseSquareRoot() {
        // Step 1: L = R = G1² for the symmetric G1 = [[1, 2], [2, 1]] (eigenvalues 3, −1), so
        // L^{-1/4} G1 R^{-1/4} = |G1|^{-1/2} G1 |G1|^{-1/2} = sign(G1) = [[0, 1], [1, 0]].
        // Step 2 with G2 = I: L = R = G1² + I = [[6, 4], [4, 6]] (eigenvalues 10 on (1, 1)/√2 and 2 on (1, −1)/√2),
        // and L^{-1/4} I R^{-1/4} = L^{-1/2} = ½[[a + b, a − b], [a − b, a + b]] with a = 10^{-1/2}, b = 2^{-1/2}.
        double[] p = {0, 0, 0, 0};
        EigenbasisOptimizer opt = shampoo(p, 2, 2, Grafting.NONE, 0, 1);
        opt.step(new Gradients().put("w", G1.clone()));
        double[] expected = minus(new double[4], 0.1, new double[] {0, 1, 1, 0});
        // κ(L) = κ(R) = 9, e = 1/4, ‖L^(−1/4)‖₂ = 1, ‖G1‖₂ = 3.
        double first = eigenTolerance(0.25 * 9 + 0.25 * 9, 0.1 * 3);
        assertArrayEquals(expected, p, first);
        opt.step(new Gradients().put("w", new double[] {1, 0, 0, 1}));
        double a = 1 / Math.sqrt(10);
        double b = 1 / Math.sqrt(2);
        expected = minus(expected, 0.1, new double[] {(a + b) / 2, (a - b) / 2, (a - b) / 2, (a + b) / 2});
        // Step 1's error, plus step 2's: κ = 5, ‖L^(−1/4)‖₂ = 2^(−1/4), ‖I‖₂ = 1.
        assertArrayEquals(expected, p, first + eigenTolerance(0.25 * 5 + 0.25 * 5, 0.1 * Math.pow(2, -0.5)));
    }

    @Test
    void aRectangularDiagonalGradientKeepsItsSupport() {
        // G = [[3, 0, 0], [0, 4, 0]]: L = diag(9, 16), R = diag(9, 16, 0); L^{-1/4} G R^{-1/4} = [[1, 0, 0], [0, 1, 0]]
        // (the zero eigenvalue of R meets a zero column of G). Then G2 = [[0, 0, 0], [0, 0, 2]]:
        // L = diag(9, 20), R = diag(9, 16, 4), update entry (1, 2) = 2·20^{-1/4}·4^{-1/4}.
        double[] p = new double[6];
        EigenbasisOptimizer opt = shampoo(p, 2, 3, Grafting.NONE, 0, 1);
        opt.step(new Gradients().put("w", new double[] {3, 0, 0, 0, 4, 0}));
        double[] expected = minus(new double[6], 0.1, new double[] {1, 0, 0, 0, 1, 0});
        // Diagonal factors (DIAGONAL): entries of size lr·1; the zeros are exact (0 over a positive denominator).
        assertArrayEquals(expected, p, DIAGONAL * 0.1);
        opt.step(new Gradients().put("w", new double[] {0, 0, 0, 0, 0, 2}));
        expected = minus(expected, 0.1, new double[] {0, 0, 0, 0, 0, 2 * Math.pow(20, -0.25) * Math.pow(4, -0.25)});
        // Step 2 touches entry (1, 2) only (lr·0.67), the others take 0 and stay exact.
        assertArrayEquals(expected, p, DIAGONAL * 0.1);
    }

    @Test
    void anExponentOverrideOfOneHalfGivesTheInverseForASymmetricGradient() {
        // (G1²)^{-1/2} G1 (G1²)^{-1/2} = G1^{-1} = [[−1/3, 2/3], [2/3, −1/3]].
        double[] p = new double[4];
        shampoo(p, 2, 2, Grafting.NONE, 0.5, 1).step(new Gradients().put("w", G1.clone()));
        // e = 1/2 on both sides, κ = 9, ‖L^(−1/2)‖₂ = 1, ‖G1‖₂ = 3.
        assertArrayEquals(minus(new double[4], 0.1, new double[] {-1.0 / 3, 2.0 / 3, 2.0 / 3, -1.0 / 3}), p,
                eigenTolerance(0.5 * 9 + 0.5 * 9, 0.1 * 3));
    }

    @ParameterizedTest
    @EnumSource(value = Grafting.class, names = {"SGD", "ADAGRAD", "RMSPROP", "ADAM"})
    void graftingRescalesToTheGraftingNorm(Grafting grafting) {
        // P = sign(G1) = [[0, 1], [1, 0]], ‖P‖ = √2. ‖D‖: SGD ‖G1‖ = √10; AdaGrad and Adam (bias-corrected) at
        // t = 1: D = g/(|g| + ε), ‖D‖ ≈ 2; RMSprop (β = 0.75): D = g/(√(1 − β)|g| + ε), ‖D‖ ≈ 2/√0.25 = 4. With
        // the grafting ε = 1e-12 kept (Adam's bias correction scales its ε by √(1 − β) and D by 1/√(1 − β) again).
        double[] d = new double[4];
        for (int i = 0; i < 4; i++) {
            double g = G1[i];
            d[i] = switch (grafting) {
                case SGD -> g;
                case RMSPROP -> g / (Math.sqrt(1 - 0.75) * Math.abs(g) + 1e-12);
                default -> g / (Math.abs(g) + 1e-12);
            };
        }
        double norm = Math.sqrt(Dense.frob2(d));
        double[] p = new double[4];
        shampoo(p, 2, 2, grafting, 0, 1).step(new Gradients().put("w", G1.clone()));
        double s = norm / Math.sqrt(2);
        // U = P·‖D‖/‖P‖: P's relative error (eigenTolerance with κ = 9, e = 1/4 on both sides, over ‖P‖₂ = 1) enters
        // twice, through P and through ‖P‖; ‖D‖ and the closed form are a few roundings (D's ε no longer neglected).
        assertArrayEquals(minus(new double[4], 0.1, new double[] {0, s, s, 0}), p,
                2 * eigenTolerance(0.25 * 9 + 0.25 * 9, 3) * 0.1 * s);
    }

    @Test
    void beforeTheStartStepTheGraftingDirectionAloneIsTaken() {
        double[] p = new double[4];
        EigenbasisOptimizer opt = shampoo(p, 2, 2, Grafting.SGD, 0, 3);
        // Exact: the SGD direction is G itself with scale 1, and p − (0.1·1)·g is minus()'s p − 0.1·g, the same
        // operations in the same order.
        opt.step(new Gradients().put("w", G1.clone()));
        assertArrayEquals(minus(new double[4], 0.1, G1), p, 0);
        opt.step(new Gradients().put("w", G1.clone()));
        assertArrayEquals(minus(minus(new double[4], 0.1, G1), 0.1, G1), p, 0);
    }

    @Test
    void aDimAboveTheMaximumIsLeftOutAndTheOtherSideTakesTheSquareRoot() {
        // max_precond_dim 2 on a 2 × 3 block: only L is kept (order 1, exponent 1/2). G = [[1, 2, 0], [2, 1, 0]],
        // L = G Gᵀ = [[5, 4], [4, 5]], L^{-1/2} = [[2/3, −1/3], [−1/3, 2/3]], L^{-1/2} G = [[0, 1, 0], [1, 0, 0]].
        double[] p = new double[6];
        ShampooConfig config = new ShampooConfig(0.1, new double[] {0, 1}, 0, 0, 1, 1, 0, Grafting.NONE, 0.75, 1e-12,
                2, true);
        Optimizers.shampoo(config, List.of(Parameter.of("w", p, 2, 3)), JAVA)
                .step(new Gradients().put("w", new double[] {1, 2, 0, 2, 1, 0}));
        // One factor, e = 1/2, κ(L) = 9, ‖L^(−1/2)‖₂ = 1, ‖G‖₂ = 3.
        assertArrayEquals(minus(new double[6], 0.1, new double[] {0, 1, 0, 1, 0, 0}), p,
                eigenTolerance(0.5 * 9, 0.1 * 3));
    }
}
