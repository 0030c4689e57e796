package org.eigenbasis.basis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.eigenbasis.internal.ModelMath;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/** The basis-aware core against hand-written rules, rotation equivariance, and the exact Gauss–Newton cases. */
class BasisOptimizerTest {
    private static final Backend JAVA = Backends.select("java");
    private static final double U = ErrorBounds.unitRoundoff(DType.F64);

    private static double[][] gradients(Random rng, int steps, int d) {
        double[][] g = new double[steps][d];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < d; i++) {
                g[t][i] = rng.nextGaussian();
            }
        }
        return g;
    }

    private static BasisOptimizer adam(DiagonalRule.Adam rule, double lr, Basis basis) {
        return new BasisOptimizer(BasisOptimizerConfig.defaults().withLr(lr).withRule(rule), basis, JAVA);
    }

    /**
     * Identity basis: the rotations are copies, so the library and torch's Adam (p −= lr·m̂/(√v̂ + ε), written
     * here) differ only in how lr meets the quotient: lr·(m̂/den) against (lr·m̂)/den, within γ₃·lr·|step|
     * (Higham §3.1), plus each side's parameter update, u·|θ| each. The gradients do not depend on θ, so nothing
     * amplifies: the per-step bounds add.
     */
    @Test
    void adamInTheIdentityBasisIsHandWrittenAdam() {
        int d = 7;
        int steps = 25;
        double lr = 0.05;
        double b1 = 0.9;
        double b2 = 0.99;
        double eps = 1e-8;
        double[][] g = gradients(new Random(11), steps, d);
        double[] theta = new double[d];
        double[] ref = new double[d];
        double[] m = new double[d];
        double[] v = new double[d];
        double[] tol = new double[d];
        try (BasisOptimizer opt = adam(new DiagonalRule.Adam(b1, b2, eps), lr, Basis.identity(d))) {
            for (int t = 1; t <= steps; t++) {
                opt.step(theta, g[t - 1]);
                for (int i = 0; i < d; i++) {
                    m[i] = b1 * m[i] + (1 - b1) * g[t - 1][i];
                    v[i] = b2 * v[i] + (1 - b2) * (g[t - 1][i] * g[t - 1][i]);
                    double mHat = m[i] / (1 - Math.pow(b1, t));
                    double vHat = v[i] / (1 - Math.pow(b2, t));
                    ref[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                    tol[i] += ErrorBounds.gamma(3, DType.F64) * lr * Math.abs(mHat / (Math.sqrt(vHat) + eps))
                            + 2 * U * Math.abs(ref[i]);
                }
                for (int i = 0; i < d; i++) {
                    assertEquals(ref[i], theta[i], tol[i], "step " + t + ", coordinate " + i);
                }
                // the identity's rotations are copies and v's recursion is evaluated in the same order: same bits
                assertArrayEquals(v, opt.secondMoment(), "second moment after step " + t);
            }
            assertEquals(steps, opt.stepCount());
        }
    }

    /**
     * β₁ = β₂ = ε = 0: step = g/√(g²) = sign(g) exactly (√(fl(g²)) = |g|), 0 for g = 0, so in the identity basis θ
     * follows θ − lr·sign(g) bit for bit.
     */
    @Test
    void signDescentInTheIdentityBasisIsExact() {
        int d = 5;
        double lr = 0.125;
        double[][] g = gradients(new Random(12), 10, d);
        g[3][2] = 0;
        double[] theta = {0.3, -1.1, 2.5, 0, 7};
        double[] ref = theta.clone();
        try (BasisOptimizer opt = adam(DiagonalRule.Adam.signDescent(), lr, Basis.identity(d))) {
            for (double[] gt : g) {
                opt.step(theta, gt);
                for (int i = 0; i < d; i++) {
                    ref[i] -= lr * Math.signum(gt[i]);
                }
                assertArrayEquals(ref, theta, 0);
            }
        }
    }

    /**
     * Sign descent in a random basis U: θ − lr·U·sign(Uᵀg). The gradients are drawn with every |(Uᵀg)_j| above
     * 2γ_d(|U|ᵀ|g|)_j, so the library's and the reference's Uᵀg have the same signs and both steps are the same
     * ±1 vector; what remains is each side's U·step (γ_d·Σ_j|U_ij|·lr) and parameter update (u·|θ_i|) a step.
     */
    @Test
    void signDescentInABasisFollowsTheSignsOfTheRotatedGradient() {
        int d = 6;
        double lr = 0.1;
        Random rng = new Random(13);
        Basis basis = BasisTest.randomBasis(rng, d);
        double gamma = ErrorBounds.gamma(d, DType.F64);
        double[] absRowSums = new double[d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                absRowSums[i] += Math.abs(basis.get(i, j));
            }
        }
        double[] theta = new double[d];
        double[] ref = new double[d];
        double[] tol = new double[d];
        try (BasisOptimizer opt = adam(DiagonalRule.Adam.signDescent(), lr, basis)) {
            int taken = 0;
            while (taken < 12) {
                double[] gt = gradients(rng, 1, d)[0];
                double[] rotated = basis.rotate(gt);
                boolean clear = true;
                for (int j = 0; j < d; j++) {
                    double scale = 0;
                    for (int k = 0; k < d; k++) {
                        scale += Math.abs(basis.get(k, j) * gt[k]);
                    }
                    clear &= Math.abs(rotated[j]) > 2 * gamma * scale;
                }
                if (!clear) {
                    continue;
                }
                double[] signs = new double[d];
                for (int j = 0; j < d; j++) {
                    signs[j] = Math.signum(rotated[j]);
                }
                double[] update = basis.unrotate(signs);
                opt.step(theta, gt);
                for (int i = 0; i < d; i++) {
                    ref[i] -= lr * update[i];
                    tol[i] += 2 * gamma * lr * absRowSums[i] + 2 * U * Math.abs(ref[i]);
                }
                for (int i = 0; i < d; i++) {
                    assertEquals(ref[i], theta[i], tol[i], "coordinate " + i);
                }
                taken++;
            }
        }
    }

    /**
     * Rotation equivariance on the online linear losses f_t(θ) = g_tᵀθ: Adam in basis U from θ₀ = 0 equals U·φ with
     * φ Adam in the identity basis on f_t(U·), whose gradients are Uᵀg_t (Basis.rotate, the Java reference). Error
     * budget (the gradients do not depend on θ, so per-step bounds add):
     * <ul>
     *   <li>the two Uᵀg_t differ by δ_j ≤ 2γ_d(|U|ᵀ|g_t|)_j (Higham §3.5). With bias correction m̂ and √v̂ are a
     *       weighted mean and a weighted RMS of the g̃ (weights summing to 1), so each moves by at most max δ_j,
     *       and |m̂| ≤ √v̂ = s; hence |Δ(m̂/(s + ε))| ≤ 2δ_j/(s + ε − δ_j) (first order);</li>
     *   <li>each side's elementwise chain (≤ 10 roundings): γ₁₀·|step_j| each;</li>
     *   <li>the library's U·step and update: γ_d·lr·(|U||step|)_i + u·|θ_i|; the reference's φ update u·|φ_j|
     *       mapped by |U|, and its final U·φ, γ_d(|U||φ|)_i.</li>
     * </ul>
     */
    @Test
    void adamIsRotationEquivariant() {
        int d = 8;
        int steps = 20;
        double lr = 0.02;
        DiagonalRule.Adam rule = new DiagonalRule.Adam(0.9, 0.999, 1e-8);
        Random rng = new Random(14);
        Basis basis = BasisTest.randomBasis(rng, d);
        double[][] g = gradients(rng, steps, d);
        double gammaD = ErrorBounds.gamma(d, DType.F64);
        double gamma10 = ErrorBounds.gamma(10, DType.F64);
        double[] theta = new double[d];
        double[] phi = new double[d];
        double[] tol = new double[d];
        double[] phiRounding = new double[d];
        double[] delta = new double[d];
        try (BasisOptimizer inBasis = adam(rule, lr, basis);
             BasisOptimizer identity = adam(rule, lr, Basis.identity(d))) {
            double[] m = new double[d];
            double[] v = new double[d];
            for (int t = 1; t <= steps; t++) {
                double[] gt = g[t - 1];
                double[] rotated = basis.rotate(gt);
                double[] before = phi.clone();
                inBasis.step(theta, gt);
                identity.step(phi, rotated);
                double[] stepError = new double[d];
                double[] stepSize = new double[d];
                for (int j = 0; j < d; j++) {
                    double scale = 0;
                    for (int k = 0; k < d; k++) {
                        scale += Math.abs(basis.get(k, j) * gt[k]);
                    }
                    delta[j] = Math.max(delta[j], 2 * gammaD * scale);
                    m[j] = rule.beta1() * m[j] + (1 - rule.beta1()) * rotated[j];
                    v[j] = rule.beta2() * v[j] + (1 - rule.beta2()) * rotated[j] * rotated[j];
                    double s = Math.sqrt(v[j] / (1 - Math.pow(rule.beta2(), t)));
                    assertTrue(s + rule.eps() > 2 * delta[j], "the first-order bound needs s ≫ δ");
                    stepSize[j] = Math.abs(before[j] - phi[j]) / lr;
                    stepError[j] = 2 * delta[j] / (s + rule.eps() - delta[j]) + 2 * gamma10 * stepSize[j];
                    phiRounding[j] += U * Math.abs(phi[j]);
                }
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        double uij = Math.abs(basis.get(i, j));
                        tol[i] += lr * uij * (stepError[j] + gammaD * stepSize[j]);
                    }
                    tol[i] += U * Math.abs(theta[i]);
                }
            }
            double[] back = basis.unrotate(phi);
            for (int i = 0; i < d; i++) {
                double mapped = 0;
                for (int j = 0; j < d; j++) {
                    mapped += Math.abs(basis.get(i, j)) * (phiRounding[j] + gammaD * Math.abs(phi[j]));
                }
                assertEquals(back[i], theta[i], tol[i] + mapped, "coordinate " + i);
            }
        }
    }

    /**
     * Quadrant (a): in the eigenbasis of G = XᵀX/n, GN^-1 with ε = 0 at lr 1 is Newton's step, so noiseless linear
     * regression is solved in one step. The contract: loss ≤ 1e-20 of the initial loss (rounding leaves
     * about (κ·d·u)², κ ≈ 1e2 here, so the margin is many decades).
     */
    @Test
    void gaussNewtonInTheEigenbasisIsNewtonAndConvergesInOneStep() {
        int n = 40;
        int d = 6;
        Random rng = new Random(15);
        double[][] x = new double[n][d];
        double[] truth = new double[d];
        double[] y = new double[n];
        for (int j = 0; j < d; j++) {
            truth[j] = rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = rng.nextGaussian() * Math.pow(10, -j / 2.5);
            }
            y[i] = ModelMath.dot(x[i], truth);
        }
        LinearRegression problem = new LinearRegression(x, y);
        double[][] gn = GaussNewton.linearRegression(x, JAVA);
        Basis eigen = Basis.eigenbasisOf(gn, JAVA);
        double[] theta = new double[d];
        double initial = problem.loss(theta);
        try (BasisOptimizer opt = new BasisOptimizer(new BasisOptimizerConfig(1, new DiagonalRule.GaussNewton(1, 0)),
                eigen, JAVA)) {
            opt.fixCurvature(gn);
            opt.step(theta, problem.gradient(theta));
        }
        double ratio = problem.loss(theta) / initial;
        assertTrue(ratio <= 1e-20, "loss ratio after one Newton step: " + ratio);
    }

    /**
     * Quadrant (b)'s block instance in the identity basis: G block-diagonal with blocks [[1, ρ_k], [ρ_k, 1]], so
     * diag(G) = 1 exactly and D^-1 = D^-1/2 = 1 exactly (ε = 0): GN^-1 and GN^-1/2 are gradient descent bit for
     * bit (the same expression θ − lr·g), on f(θ) = ½(θ − θ*)ᵀG(θ − θ*) from an error along (1, 1) per block.
     */
    @Test
    void gaussNewtonWithUnitDiagonalIsGradientDescent() {
        double[] rho = {0.1, 0.5, 0.9};
        int d = 2 * rho.length;
        double[][] gn = new double[d][d];
        for (int k = 0; k < rho.length; k++) {
            gn[2 * k][2 * k] = 1;
            gn[2 * k + 1][2 * k + 1] = 1;
            gn[2 * k][2 * k + 1] = rho[k];
            gn[2 * k + 1][2 * k] = rho[k];
        }
        double[] target = {1, -2, 0.5, 3, -1, 0.25};
        double lr = 0.4;
        for (double power : new double[] {1, 0.5}) {
            double[] gd = new double[d];
            double[] theta = new double[d];
            double[] perStep = new double[d];
            try (BasisOptimizer fixed = new BasisOptimizer(
                    new BasisOptimizerConfig(lr, new DiagonalRule.GaussNewton(power, 0)), Basis.identity(d), JAVA);
                 BasisOptimizer given = new BasisOptimizer(
                    new BasisOptimizerConfig(lr, new DiagonalRule.GaussNewton(power, 0)), Basis.identity(d), JAVA)) {
                fixed.fixCurvature(gn);
                for (int t = 0; t < 30; t++) {
                    double[] gradient = quadraticGradient(gn, gd, target);
                    fixed.step(theta, quadraticGradient(gn, theta, target));
                    given.step(perStep, quadraticGradient(gn, perStep, target), gn);
                    for (int i = 0; i < d; i++) {
                        gd[i] -= lr * gradient[i];
                    }
                    assertArrayEquals(gd, theta, 0, "GN^-" + power + " fixed, step " + t);
                    assertArrayEquals(gd, perStep, 0, "GN^-" + power + " per step, step " + t);
                }
            }
        }
    }

    private static double[] quadraticGradient(double[][] a, double[] theta, double[] target) {
        double[] g = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            for (int j = 0; j < theta.length; j++) {
                g[i] += a[i][j] * (theta[j] - target[j]);
            }
        }
        return g;
    }

    /** Bad input is refused before anything is written: θ, the moments and the step count stay as they were. */
    @Test
    void badInputIsRefusedAndChangesNothing() {
        try (BasisOptimizer opt = adam(DiagonalRule.Adam.defaults(), 0.1, Basis.identity(3))) {
            double[] theta = {1, 2, 3};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> opt.step(theta, new double[] {0, Double.NaN, 0}));
            assertTrue(e.getMessage().startsWith("gradient: entry 1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> opt.step(theta, new double[2]));
            assertThrows(IllegalStateException.class, () -> opt.fixCurvature(new double[3][3]));
            assertThrows(IllegalStateException.class, () -> opt.step(theta, new double[3], new double[3][3]));
            assertArrayEquals(new double[] {1, 2, 3}, theta, 0);
            assertEquals(0, opt.stepCount());
        }
        try (BasisOptimizer gn = new BasisOptimizer(new BasisOptimizerConfig(1, new DiagonalRule.GaussNewton(1, 0)),
                Basis.identity(2), JAVA)) {
            double[] theta = {1, 2};
            assertThrows(IllegalStateException.class, () -> gn.step(theta, new double[] {1, 1}));
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                    () -> gn.step(theta, new double[] {1, 1}, new double[][] {{1, 0}, {0, 0}}));
            assertTrue(zero.getMessage().contains("diag(UᵀGU)_1"), zero.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> gn.step(theta, new double[] {1, 1}, new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}));
            assertArrayEquals(new double[] {1, 2}, theta, 0);
            assertEquals(0, gn.stepCount());
        }
    }
}
