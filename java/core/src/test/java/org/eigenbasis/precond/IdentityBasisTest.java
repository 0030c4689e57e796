package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.eigenbasis.precond.PreconditionerSpec.Basis;
import org.eigenbasis.precond.PreconditionerSpec.Diagonal;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
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

    /** Runs the optimizer and the reference update (applied to copies) on the same gradients; max |difference|. */
    private interface Reference {
        void update(double[] p, double[] g, double[][] state, long t);
    }

    private static double compare(EigenbasisOptimizer opt, Problem problem, Reference reference) {
        double[][] mine = problem.values();
        double[][] ref = {mine[0].clone(), mine[1].clone(), mine[2].clone()};
        double[][][] state = new double[3][][];
        for (int i = 0; i < 3; i++) {
            state[i] = new double[][] {new double[ref[i].length], new double[ref[i].length]};
        }
        double worst = 0;
        double scale = 0;
        for (int t = 1; t <= STEPS; t++) {
            double[][] g = new double[3][];
            opt.step(problem.next(g));
            for (int i = 0; i < 3; i++) {
                reference.update(ref[i], g[i], state[i], t);
                worst = Math.max(worst, Dense.maxAbsDiff(ref[i], mine[i]));
                scale = Math.max(scale, Dense.maxAbs(ref[i]));
            }
        }
        assertTrue(scale > 0.1, "the parameters moved");
        return worst / scale;
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
        double err = compare(opt, problem, (p, g, st, t) -> {
            for (int i = 0; i < p.length; i++) {
                p[i] -= lr * wd * p[i];
                st[0][i] = b1 * st[0][i] + (1 - b1) * g[i];
                st[1][i] = b2 * st[1][i] + (1 - b2) * g[i] * g[i];
                double mHat = st[0][i] / (1 - Math.pow(b1, t));
                double vHat = st[1][i] / (1 - Math.pow(b2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        });
        assertTrue(err < 64 * STEPS * 0x1p-52, "AdamW differs from the textbook loop by " + err);
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
        double err = compare(opt, problem, (p, g, st, t) -> {
            for (int i = 0; i < p.length; i++) {
                double gi = g[i] + wd * p[i];
                st[0][i] = 0.8 * st[0][i] + 0.2 * gi;
                st[1][i] = 0.95 * st[1][i] + 0.05 * gi * gi;
                p[i] -= lr / (1 - Math.pow(0.8, t)) * st[0][i] / (Math.sqrt(st[1][i] / (1 - Math.pow(0.95, t))) + 1e-6);
            }
        });
        assertTrue(err < 64 * STEPS * 0x1p-52, "Adam (L2) differs by " + err);
    }

    @Test
    void adaGradIsTheSumDiagonalWithoutMomentum() {
        double lr = 0.1;
        PreconditionerSpec spec = PreconditionerSpec.builder("adagrad").basis(Basis.IDENTITY)
                .diagonal(Diagonal.SECOND_MOMENT).beta1(0).beta2(1).eps(1e-10).biasCorrection(false)
                .epsAfterBiasCorrection(false).build();
        Problem problem = new Problem();
        double err = compare(new EigenbasisOptimizer(spec, lr, problem.params, JAVA), problem, (p, g, st, t) -> {
            for (int i = 0; i < p.length; i++) {
                st[1][i] += g[i] * g[i];
                p[i] -= lr * g[i] / (Math.sqrt(st[1][i]) + 1e-10);
            }
        });
        assertTrue(err < 64 * STEPS * 0x1p-52, "AdaGrad differs by " + err);
    }

    @Test
    void rmsPropIsTheEmaDiagonalWithoutMomentumOrBiasCorrection() {
        double lr = 0.01;
        double alpha = 0.99;
        PreconditionerSpec spec = PreconditionerSpec.builder("rmsprop").beta1(0).beta2(alpha).eps(1e-8)
                .biasCorrection(false).epsAfterBiasCorrection(false).build();
        Problem problem = new Problem();
        double err = compare(new EigenbasisOptimizer(spec, lr, problem.params, JAVA), problem, (p, g, st, t) -> {
            for (int i = 0; i < p.length; i++) {
                st[1][i] = alpha * st[1][i] + (1 - alpha) * g[i] * g[i];
                p[i] -= lr * g[i] / (Math.sqrt(st[1][i]) + 1e-8);
            }
        });
        assertTrue(err < 64 * STEPS * 0x1p-52, "RMSprop differs by " + err);
    }

    @Test
    void aScheduleReplacesTheLearningRateInStepAndDecay() {
        Problem problem = new Problem();
        double wd = 0.2;
        EigenbasisOptimizer opt = Optimizers.adamW(new AdamWConfig(123, new double[] {0.9, 0.999}, 1e-8, wd),
                problem.params, JAVA);
        opt.setSchedule(step -> 0.01 * step);
        double err = compare(opt, problem, (p, g, st, t) -> {
            double lr = 0.01 * t;
            for (int i = 0; i < p.length; i++) {
                p[i] -= lr * wd * p[i];
                st[0][i] = 0.9 * st[0][i] + 0.1 * g[i];
                st[1][i] = 0.999 * st[1][i] + 0.001 * g[i] * g[i];
                p[i] -= lr / (1 - Math.pow(0.9, t)) * st[0][i] / (Math.sqrt(st[1][i] / (1 - Math.pow(0.999, t))) + 1e-8);
            }
        });
        assertTrue(err < 64 * STEPS * 0x1p-52, "scheduled AdamW differs by " + err);
    }

    @Test
    void warmupCosineHasItsEndpoints() {
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(1.0, 10, 110, 0.1);
        assertEquals(0.1, s.lr(1), 1e-15);
        assertEquals(1.0, s.lr(10), 1e-15);
        assertEquals(0.55, s.lr(60), 1e-12);
        assertEquals(0.1, s.lr(110), 1e-15);
        assertEquals(0.1, s.lr(500), 1e-15);
    }
}
