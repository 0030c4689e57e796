package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.precond.PreconditionerSpec.Basis;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.testing.Trajectories;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/** A caller-given basis: Adam in the rotated coordinates, i.e. Adam on P̃ = Q₀ᵀ P Q₁ with gradients Q₀ᵀ G Q₁. */
class FixedBasisTest {
    private static final Backend JAVA = Backends.select("java");

    private static final int STEPS = 15;

    /**
     * Adam on the rotated coordinates, written here, against the optimizer with the given bases, after every step.
     * The two differ by rounding only:
     * <ul>
     *   <li>the kernels' (the rotations of G into the bases and of the update back, the diagonal update), as a
     *       trajectory comparison (Trajectories): each side within N·u·S·moved of the exact run, N = 10 (a two-sided
     *       product of a 4 × 3 block sums along paths of 4 + 3 products, γ_9 (Higham §3.5); the diagonal update a
     *       chain of at most 10 roundings, see IdentityBasisTest), S measured by the probe on the optimizer;</li>
     *   <li>the parameter updates, which the probe does not perturb and nothing amplifies (the gradients do not
     *       depend on the parameters): γ₂·|p| a step on each side;</li>
     *   <li>the reference's rotation of its parameters back, γ_9·(|Q₀||P̃||Q₁ᵀ|);</li>
     *   <li>the test's bases are Gram-Schmidt Q's, orthogonal only to e = ‖I − QᵀQ‖₁ (measured here), while the
     *       reference's Q₀(Q₀ᵀP₀Q₁)Q₁ᵀ is P₀ only for orthogonal Q's: (e₀ + e₁ + e₀e₁)·‖P₀‖_F at most.</li>
     * </ul>
     */
    @Test
    void adamRunsInTheGivenCoordinates() {
        Random rng = new Random(1);
        double[] q0 = Dense.orthogonal(rng, 4);
        double[] q1 = Dense.orthogonal(rng, 3);
        double[] p = Dense.random(rng, 12);
        double[] vecP = Dense.random(rng, 5);
        double[][] grads = new double[STEPS][];
        double[][] vecGrads = new double[STEPS][];
        for (int t = 0; t < STEPS; t++) {
            grads[t] = Dense.random(rng, 12);
            vecGrads[t] = Dense.random(rng, 5);
        }
        double[] origin = concat(p, vecP);
        double[][] library = library(q0, q1, p, vecP, grads, vecGrads, JAVA);
        double s = Trajectories.condition(backend -> library(q0, q1, p, vecP, grads, vecGrads, backend), JAVA, origin);

        double[] rotated = Dense.mul(Dense.mul(Dense.t(q0, 4, 4), 4, 4, p, 3), 4, 3, q1, 3);
        double[] vecRef = vecP.clone();
        double[][] m = {new double[12], new double[5]};
        double[][] v = {new double[12], new double[5]};
        double u = ErrorBounds.unitRoundoff(DType.F64);
        double orthogonality = 0;
        for (double e : new double[] {departure(q0, 4), departure(q1, 3)}) {
            orthogonality = orthogonality + e + orthogonality * e;
        }
        double pFrobenius = Math.sqrt(Dense.frob2(p));
        double moved = 0;
        double steps = 0;
        double worst = 0;
        for (int t = 1; t <= STEPS; t++) {
            adam(rotated, Dense.mul(Dense.mul(Dense.t(q0, 4, 4), 4, 4, grads[t - 1], 3), 4, 3, q1, 3), m[0], v[0], t);
            adam(vecRef, vecGrads[t - 1], m[1], v[1], t);
            double[] expected = concat(Dense.mul(Dense.mul(q0, 4, 4, rotated, 3), 4, 3, Dense.t(q1, 3, 3), 3), vecRef);
            double[] back = Dense.mul(Dense.mul(abs(q0), 4, 4, abs(rotated), 3), 4, 3, Dense.t(abs(q1), 3, 3), 3);
            double[] mine = library[t - 1];
            moved = Math.max(moved, Dense.maxAbsDiff(expected, origin));
            steps += 2 * ErrorBounds.gamma(2, DType.F64) * Math.max(Dense.maxAbs(expected), Dense.maxAbs(mine));
            double tol = 2 * 10 * u * Math.max(s, 1) * moved + steps
                    + ErrorBounds.gamma(9, DType.F64) * Dense.maxAbs(back) + orthogonality * pFrobenius;
            double err = Dense.maxAbsDiff(expected, mine);
            assertTrue(err <= tol, "step " + t + ": " + err + " from Adam in the rotated coordinates; the limit is "
                    + tol + " (S = " + s + ", e = " + orthogonality + ")");
            worst = Math.max(worst, err / tol);
        }
        assertTrue(moved > 1e-3, "the parameters moved");
        System.out.printf("fixed basis: error / limit at most %.3g (S = %.3g, e = %.3g)%n", worst, s, orthogonality);
    }

    /** The optimizer's w (4 × 3, in the bases q0, q1) and v (5, no bases) after each step, flattened. */
    private static double[][] library(double[] q0, double[] q1, double[] p, double[] vecP, double[][] grads,
                                      double[][] vecGrads, Backend backend) {
        double[] w = p.clone();
        double[] vec = vecP.clone();
        PreconditionerSpec spec = PreconditionerSpec.builder("fixed-adam").basis(Basis.FIXED).beta1(0.9).beta2(0.99)
                .eps(1e-8).build();
        EigenbasisOptimizer opt = new EigenbasisOptimizer(spec, 0.01, List.of(Parameter.of("w", w, 4, 3),
                Parameter.of("v", vec, 5)), backend, Map.of("w", Arrays.asList(q0, q1)));
        double[][] out = new double[STEPS][];
        for (int t = 0; t < STEPS; t++) {
            opt.step(new Gradients().put("w", grads[t].clone()).put("v", vecGrads[t].clone()));
            out[t] = concat(w, vec);
        }
        return out;
    }

    /** torch's Adam step (lerp weights 1 − β). */
    private static void adam(double[] p, double[] g, double[] m, double[] v, int t) {
        for (int i = 0; i < p.length; i++) {
            m[i] = 0.9 * m[i] + (1 - 0.9) * g[i];
            v[i] = 0.99 * v[i] + (1 - 0.99) * g[i] * g[i];
            p[i] -= 0.01 / (1 - Math.pow(0.9, t)) * m[i] / (Math.sqrt(v[i] / (1 - Math.pow(0.99, t))) + 1e-8);
        }
    }

    /** ‖I − QᵀQ‖₁ of an n × n matrix. */
    private static double departure(double[] q, int n) {
        double[] d = Dense.mul(Dense.t(q, n, n), n, n, q, n);
        double norm = 0;
        for (int j = 0; j < n; j++) {
            double col = 0;
            for (int i = 0; i < n; i++) {
                col += Math.abs((i == j ? 1 : 0) - d[i * n + j]);
            }
            norm = Math.max(norm, col);
        }
        return norm;
    }

    private static double[] abs(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.abs(x[i]);
        }
        return y;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void aBasisThatIsNotOrthogonalIsRefused() {
        PreconditionerSpec spec = PreconditionerSpec.builder("fixed").basis(Basis.FIXED).build();
        double[] skew = {1, 0.1, 0, 1};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EigenbasisOptimizer(spec,
                0.01, List.of(Parameter.of("w", new double[4], 2, 2)), JAVA, Map.of("w", Arrays.asList(skew, null))));
        assertTrue(e.getMessage().contains("fixedBases of 'w'[0]: not orthogonal"), e.getMessage());
    }
}
