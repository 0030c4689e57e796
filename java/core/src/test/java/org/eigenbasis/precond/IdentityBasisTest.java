package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.eigenbasis.precond.PreconditionerSpec.Basis;
import org.eigenbasis.precond.PreconditionerSpec.Diagonal;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/** The core in the identity basis against textbook loops (torch semantics), in f64. */
class IdentityBasisTest {
    private static final Backend JAVA = Backends.select("java");
    private static final int STEPS = 25;

    /** Three blocks (matrix, vector, scalar), their gradients drawn per step from one seeded stream. */
    private static final class Problem {
        final double[] w = Dense.random(new Random(1), 12);
        final double[] b = Dense.random(new Random(2), 5);
        final double[] s = {0.7};
        final List<Parameter> params = List.of(Parameter.of("w", w, 3, 4), Parameter.of("b", b, 5), Parameter.of("s", s));
        final Random rng = new Random(99);
        final double[][] start = {w.clone(), b.clone(), s.clone()};

        Gradients next(double[][] out) {
            out[0] = Dense.random(rng, 12);
            out[1] = Dense.random(rng, 5);
            out[2] = new double[] {rng.nextGaussian()};
            return new Gradients().put("w", out[0].clone()).put("b", out[1].clone()).put("s", out[2].clone());
        }

        double[][] values() {
            return new double[][] {w, b, s};
        }
    }

    /**
     * One step of the textbook update of one block, applied in place to the reference's copy p of the parameters:
     * returns |Δ_i|, the size of each element's update term (lr·m̂/(√v̂ + ε), the decay not included). {@code mine}
     * is the optimizer's block before the step (for an L2 term, see {@link #compare}).
     */
    private interface Reference {
        double[] update(double[] p, double[] g, double[][] state, long t, double[] mine);
    }

    /**
     * Runs the optimizer and the reference update (applied to copies) on the same gradients and checks every element
     * after every step against a running error bound (Higham, Accuracy and Stability, §3.3), whose terms follow from
     * counting roundings; the library's order is BlockGroup's and the java kernel's (m, v and m/(√v + ε) in that
     * order, then p·(1 − lr·wd) − lr·(√c₂/c₁)·out).
     * <ul>
     *   <li>m = β₁m + (1 − β₁)g is the same expression on the same inputs on both sides (the references take the
     *       weight 1 − β₁ as torch's lerp does), so the same bits: no error, despite its cancellation.</li>
     *   <li>v = β₂v + (1 − β₂)g² is a sum of positive terms, the one from step s rounded at most 2(t − s) + 3
     *       times: each side within γ_{2t+1} relative (Higham §3.1) after t steps, √v within γ_{t+1}.</li>
     *   <li>The update term then takes at most 9 more roundings of positive factors on either side (the
     *       library's √v, ε·√c₂, the sum, the quotient, √c₂/c₁ (two), lr·scale, step·out; the reference's six):
     *       each side within γ_{t+10}·|Δ| of the exact term, the two within 2γ_{t+10}·|Δ|.</li>
     *   <li>The parameter: the decay (three roundings) and the subtraction, γ₄·(|p| + |Δ|) on each side.</li>
     *   <li>Nothing amplifies these: the gradients do not depend on the parameters (an L2 term wd·p is formed from
     *       the optimizer's own parameters on both sides, so the same bits enter m and v), and the bias corrections
     *       1 − βᵗ are the same expressions on both sides.</li>
     * </ul>
     * So after step t element i is within E_i,t = Σ_{s≤t} [2γ_{s+10}·|Δ_i,s| + 2γ₄·(|p_i,s−1| + |Δ_i,s|)].
     * Returns the largest error over its bound, for the report.
     */
    private static double compare(EigenbasisOptimizer opt, Problem problem, Reference reference) {
        double[][] mine = problem.values();
        double[][] ref = {mine[0].clone(), mine[1].clone(), mine[2].clone()};
        double[][][] state = new double[3][][];
        double[][] bound = new double[3][];
        for (int i = 0; i < 3; i++) {
            state[i] = new double[][] {new double[ref[i].length], new double[ref[i].length]};
            bound[i] = new double[ref[i].length];
        }
        double worst = 0;
        double moved = 0;
        for (int t = 1; t <= STEPS; t++) {
            double[][] g = new double[3][];
            double[][] before = {mine[0].clone(), mine[1].clone(), mine[2].clone()};
            opt.step(problem.next(g));
            for (int i = 0; i < 3; i++) {
                double[] p0 = ref[i].clone();
                double[] delta = reference.update(ref[i], g[i], state[i], t, before[i]);
                for (int k = 0; k < ref[i].length; k++) {
                    bound[i][k] += 2 * ErrorBounds.gamma(t + 10, DType.F64) * delta[k]
                            + 2 * ErrorBounds.gamma(4, DType.F64) * (Math.abs(p0[k]) + delta[k]);
                    double err = Math.abs(ref[i][k] - mine[i][k]);
                    assertTrue(err <= bound[i][k], "step " + t + ", block " + i + " [" + k + "]: " + mine[i][k]
                            + " vs the reference's " + ref[i][k] + ", " + err + " apart; the bound is " + bound[i][k]);
                    worst = Math.max(worst, err / bound[i][k]);
                    moved = Math.max(moved, Math.abs(ref[i][k] - problem.start[i][k]));
                }
            }
        }
        assertTrue(moved > 0.1, "the parameters moved");
        return worst;
    }

    @Test
    void adamWEqualsTheTextbookLoop() {
        double lr = 0.05;
        double b1 = 0.9;
        double b2 = 0.99;
        double eps = 1e-8;
        double wd = 0.1;
        Problem problem = new Problem();
        EigenbasisOptimizer opt = Optimizers.adamW(new AdamWConfig(lr, new double[] {b1, b2}, eps, wd), problem.params, JAVA);
        double err = compare(opt, problem, (p, g, st, t, mine) -> {
            double[] delta = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                p[i] -= lr * wd * p[i];
                st[0][i] = b1 * st[0][i] + (1 - b1) * g[i];
                st[1][i] = b2 * st[1][i] + (1 - b2) * g[i] * g[i];
                double mHat = st[0][i] / (1 - Math.pow(b1, t));
                double vHat = st[1][i] / (1 - Math.pow(b2, t));
                delta[i] = lr * mHat / (Math.sqrt(vHat) + eps);
                p[i] -= delta[i];
            }
            return abs(delta);
        });
        System.out.printf("AdamW vs the textbook loop: error / bound at most %.3g%n", err);
        assertEquals(STEPS, opt.stepCount());
    }

    @Test
    void adamWithL2DecayEqualsTorchAdam() {
        double lr = 0.03;
        double wd = 0.05;
        PreconditionerSpec spec = PreconditionerSpec.builder("adam").beta1(0.8).beta2(0.95).eps(1e-6)
                .weightDecay(wd).weightDecayMode(WeightDecayMode.L2).build();
        Problem problem = new Problem();
        EigenbasisOptimizer opt = new EigenbasisOptimizer(spec, lr, problem.params, JAVA);
        double err = compare(opt, problem, (p, g, st, t, mine) -> {
            double[] delta = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                double gi = g[i] + wd * mine[i];     // the optimizer's own parameters: see compare
                st[0][i] = 0.8 * st[0][i] + (1 - 0.8) * gi;
                st[1][i] = 0.95 * st[1][i] + (1 - 0.95) * gi * gi;
                delta[i] = lr / (1 - Math.pow(0.8, t)) * st[0][i]
                        / (Math.sqrt(st[1][i] / (1 - Math.pow(0.95, t))) + 1e-6);
                p[i] -= delta[i];
            }
            return abs(delta);
        });
        System.out.printf("Adam (L2) vs torch's loop: error / bound at most %.3g%n", err);
    }

    @Test
    void adaGradIsTheSumDiagonalWithoutMomentum() {
        double lr = 0.1;
        PreconditionerSpec spec = PreconditionerSpec.builder("adagrad").basis(Basis.IDENTITY)
                .diagonal(Diagonal.SECOND_MOMENT).beta1(0).beta2(1).eps(1e-10).biasCorrection(false)
                .epsAfterBiasCorrection(false).build();
        Problem problem = new Problem();
        double err = compare(new EigenbasisOptimizer(spec, lr, problem.params, JAVA), problem, (p, g, st, t, mine) -> {
            double[] delta = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                st[1][i] += g[i] * g[i];
                delta[i] = lr * g[i] / (Math.sqrt(st[1][i]) + 1e-10);
                p[i] -= delta[i];
            }
            return abs(delta);
        });
        System.out.printf("AdaGrad vs the textbook loop: error / bound at most %.3g%n", err);
    }

    @Test
    void rmsPropIsTheEmaDiagonalWithoutMomentumOrBiasCorrection() {
        double lr = 0.01;
        double alpha = 0.99;
        PreconditionerSpec spec = PreconditionerSpec.builder("rmsprop").beta1(0).beta2(alpha).eps(1e-8)
                .biasCorrection(false).epsAfterBiasCorrection(false).build();
        Problem problem = new Problem();
        double err = compare(new EigenbasisOptimizer(spec, lr, problem.params, JAVA), problem, (p, g, st, t, mine) -> {
            double[] delta = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                st[1][i] = alpha * st[1][i] + (1 - alpha) * g[i] * g[i];
                delta[i] = lr * g[i] / (Math.sqrt(st[1][i]) + 1e-8);
                p[i] -= delta[i];
            }
            return abs(delta);
        });
        System.out.printf("RMSprop vs the textbook loop: error / bound at most %.3g%n", err);
    }

    @Test
    void aScheduleReplacesTheLearningRateInStepAndDecay() {
        Problem problem = new Problem();
        double wd = 0.2;
        EigenbasisOptimizer opt = Optimizers.adamW(new AdamWConfig(123, new double[] {0.9, 0.999}, 1e-8, wd),
                problem.params, JAVA);
        opt.setSchedule(step -> 0.01 * step);
        double err = compare(opt, problem, (p, g, st, t, mine) -> {
            double lr = 0.01 * t;
            double[] delta = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                p[i] -= lr * wd * p[i];
                st[0][i] = 0.9 * st[0][i] + (1 - 0.9) * g[i];
                st[1][i] = 0.999 * st[1][i] + (1 - 0.999) * g[i] * g[i];
                delta[i] = lr / (1 - Math.pow(0.9, t)) * st[0][i]
                        / (Math.sqrt(st[1][i] / (1 - Math.pow(0.999, t))) + 1e-8);
                p[i] -= delta[i];
            }
            return abs(delta);
        });
        System.out.printf("scheduled AdamW vs the textbook loop: error / bound at most %.3g%n", err);
    }

    private static double[] abs(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.abs(x[i]);
        }
        return y;
    }

    @Test
    void warmupCosineHasItsEndpoints() {
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(1.0, 10, 110, 0.1);
        // Warm-up: 1.0·t/10, exact for t = 10 and the correctly rounded 0.1 (the literal) for t = 1.
        assertEquals(0.1, s.lr(1), 0);
        assertEquals(1.0, s.lr(10), 0);
        // Half-way: 0.1 + 0.9·½·(1 + cos(fl(π)/2)), cos(fl(π)/2) = 6e-17 below ½ ulp of 1. Roundings: the literals
        // 0.1 and 0.55, 1 − 0.1, 1 + cos(…), the sum; each at most ½ ulp of a value ≤ 1 weighted by ≤ 1, together
        // under 1.9·2⁻⁵³ = 1.9 ulp of 0.55.
        assertEquals(0.55, s.lr(60), ErrorBounds.ulps(0.55, 2));
        // The end and after (progress clamped to 1): Math.cos is within 1 ulp, so cos(fl(π)) is −1 or the double just
        // above it (2⁻⁵³ away), leaving at most 0.9·½·2⁻⁵³ on top of 0.1, plus the sum's ½ ulp.
        double end = 0.45 * 0x1p-53 + ErrorBounds.ulps(0.1, 1);
        assertEquals(0.1, s.lr(110), end);
        assertEquals(0.1, s.lr(500), end);
    }
}
