package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
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
        assertArrayEquals(expected, p, 1e-14);
        opt.step(new Gradients().put("w", new double[] {1, 0, 0, 1}));
        double a = 1 / Math.sqrt(10);
        double b = 1 / Math.sqrt(2);
        expected = minus(expected, 0.1, new double[] {(a + b) / 2, (a - b) / 2, (a - b) / 2, (a + b) / 2});
        assertArrayEquals(expected, p, 1e-14);
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
        assertArrayEquals(expected, p, 1e-9);
        opt.step(new Gradients().put("w", new double[] {0, 0, 0, 0, 0, 2}));
        expected = minus(expected, 0.1, new double[] {0, 0, 0, 0, 0, 2 * Math.pow(20, -0.25) * Math.pow(4, -0.25)});
        assertArrayEquals(expected, p, 1e-9);
    }

    @Test
    void anExponentOverrideOfOneHalfGivesTheInverseForASymmetricGradient() {
        // (G1²)^{-1/2} G1 (G1²)^{-1/2} = G1^{-1} = [[−1/3, 2/3], [2/3, −1/3]].
        double[] p = new double[4];
        shampoo(p, 2, 2, Grafting.NONE, 0.5, 1).step(new Gradients().put("w", G1.clone()));
        assertArrayEquals(minus(new double[4], 0.1, new double[] {-1.0 / 3, 2.0 / 3, 2.0 / 3, -1.0 / 3}), p, 1e-14);
    }

    @ParameterizedTest
    @EnumSource(value = Grafting.class, names = {"SGD", "ADAGRAD", "RMSPROP", "ADAM"})
    void graftingRescalesToTheGraftingNorm(Grafting grafting) {
        // P = sign(G1) = [[0, 1], [1, 0]], ‖P‖ = √2. ‖D‖: SGD ‖G1‖ = √10; AdaGrad and Adam (bias-corrected) at
        // t = 1: D = g/(|g| + ε) ≈ sign(g), ‖D‖ = 2; RMSprop (β = 0.75): D = g/(√(1 − β)|g| + ε), ‖D‖ = 2/√0.25 = 4.
        double norm = switch (grafting) {
            case SGD -> Math.sqrt(10);
            case RMSPROP -> 4;
            default -> 2;
        };
        double[] p = new double[4];
        shampoo(p, 2, 2, grafting, 0, 1).step(new Gradients().put("w", G1.clone()));
        double s = norm / Math.sqrt(2);
        assertArrayEquals(minus(new double[4], 0.1, new double[] {0, s, s, 0}), p, 1e-11);
    }

    @Test
    void beforeTheStartStepTheGraftingDirectionAloneIsTaken() {
        double[] p = new double[4];
        EigenbasisOptimizer opt = shampoo(p, 2, 2, Grafting.SGD, 0, 3);
        opt.step(new Gradients().put("w", G1.clone()));
        assertArrayEquals(minus(new double[4], 0.1, G1), p, 1e-15);
        opt.step(new Gradients().put("w", G1.clone()));
        assertArrayEquals(minus(minus(new double[4], 0.1, G1), 0.1, G1), p, 1e-15);
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
        assertArrayEquals(minus(new double[6], 0.1, new double[] {0, 1, 0, 1, 0, 0}), p, 1e-14);
    }
}
