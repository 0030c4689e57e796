package org.eigenbasis.backend;

import static org.eigenbasis.backend.SeededArrays.gaussian;
import static org.eigenbasis.backend.SeededArrays.sizeOf;
import static org.eigenbasis.backend.SeededArrays.toFloat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.precond.EigenbasisOptimizer;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizers;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.BackwardErrorProbe;
import org.eigenbasis.testing.Trajectories;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every optimizer of {@link Optimizers} on a native backend (its eigh, refresh and preconditioner
 * kernels) follows the java reference backend over 50 steps, compared after every step. Subclasses name the
 * backend; one that is not available is a failure where {@link #requiredHere()} says so, else a visible skip.
 *
 * <p>The parameters mix what the core batches and what it does not: two equal 6 × 6 matrices (one batched group),
 * a 4 × 3 × 5 tensor (one factor per dim), a vector of 7 (Adam fallback) and a 1 × 1 matrix. Every factor has
 * full rank from the first step (a d × d factor of a d × k unfolding with k ≥ d), so each eigenbasis is unique up
 * to column signs, which cancel in the rotations; with a rank-deficient factor the basis of its null space is
 * arbitrary, and the diagonal optimizers (SOAP, EC-Shampoo, EK-FAC) legitimately differ between two correct
 * eigensolvers there (Shampoo too: its ε is far below the rounding noise of a zero eigenvalue). So vectors run
 * unpreconditioned ({@code precondition_1d = false}): a vector's factor Σ g gᵀ has rank ≤ t after t steps. The
 * precondition frequency is 3 so the 50 steps include 16 refreshes.
 *
 * <p>The error is measured relative to the largest distance any entry has moved, and bounded by what the
 * arithmetic allows, with no number measured on one machine:
 * <ol>
 *   <li>Each backend is backward stable, kernel by kernel: a product (factor accumulation, rotation) is a sum of
 *       at most {@link #N} = 20 terms here (the 4 × 3 × 5 tensor unfolded along its dim 1 is 3 × 20), so its
 *       error is within γ_N = N·u of its magnitude (Higham, Accuracy and Stability of Numerical Algorithms, §3.1);
 *       the eigendecomposition and the QR refresh of a d × d factor, d ≤ 6, are exact for the factor perturbed
 *       by p(d)·u·‖F‖, p a modest polynomial (Golub and Van Loan, Matrix Computations, §8.3, §5.2), taken ≤ N
 *       for d ≤ 6; the diagonal update is correctly rounded up to the square root. u is the unit roundoff of
 *       the dtype, ε/2. Whatever kernels OpenBLAS picks for the CPU (Haswell, SkylakeX, Zen), they differ only
 *       in summation order, which these bounds cover.</li>
 *   <li>How far such kernel errors move the 50-step trajectory is a property of the seeded problem: the inverse
 *       eigenvalue gaps of the factors in the rotations, (λ + ε)^(−1/4) at small λ (Shampoo: a first factor
 *       G Gᵀ of a square Gaussian G is ill-conditioned), Adam's division by √v + ε. The test measures this
 *       amplification S on the java backend in f64 (pure Java: independent of the BLAS kernels a CPU gets) with a
 *       {@link BackwardErrorProbe}: every kernel's input or output perturbed by η = 2⁻²⁶ relative, in random
 *       directions, and S = (change of the trajectory)/(η·moved), the largest over {@link Trajectories#PROBES}
 *       probes (one random direction can underestimate: the probes' S spread by up to 14× on Shampoo). S is linear in η
 *       (η·16 gives the same S to three digits), so it applies to rounding at u.</li>
 *   <li>Each backend is then within γ_N·S of the exact trajectory, and the two within 2·N·u·S of each other;
 *       that is the tolerance. The same S holds in f32 (the problem is the same), so the tolerances of the two
 *       dtypes are in the ratio of their unit roundoffs. Rounding errors rarely add up to the worst case (they
 *       grow like √N, not N), so the measured errors sit well below the bound.</li>
 * </ol>
 * The test prints S, the error and the limit.
 */
public abstract class OptimizerParityContract {
    private static final Backend JAVA = Backends.select("java");
    private static final int STEPS = 50;
    private static final int[][] SHAPES = {{6, 6}, {6, 6}, {4, 3, 5}, {7}, {1, 1}};
    /** The largest number of terms in any sum the step forms: the 4 × 3 × 5 tensor unfolded along dim 1 is 3 × 20. */
    private static final int N = 20;
    /** The relative size of the probe's perturbation: far above f64 rounding (2⁻⁵³), far below 1/S. */
    /** S per optimizer: it does not depend on the backend under test or the dtype. */
    private static final Map<String, Double> CONDITION = new java.util.concurrent.ConcurrentHashMap<>();

    /** The backend under test. */
    protected abstract Backend backend();

    /** True where the backend is built by this module and must be available (cpu); false skips (cuda). */
    protected abstract boolean requiredHere();

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "adamw, F64", "shampoo, F64", "soap, F64", "ecshampoo, F64", "kfac, F64", "ekfac, F64",
        "adamw, F32", "shampoo, F32", "soap, F32", "ecshampoo, F32", "kfac, F32", "ekfac, F32"})
    void followsTheJavaBackendForFiftySteps(String name, DType dtype) {
        Backend tested = backend();
        if (requiredHere()) {
            assertTrue(tested.availability().available(), tested.name() + ": " + tested.availability().reason());
        }
        Assumptions.assumeTrue(tested.availability().available(), () -> tested.name() + " backend unavailable: "
                + tested.availability().reason());
        Random init = new Random(11);
        List<double[]> start = new ArrayList<>();
        for (int[] shape : SHAPES) {
            start.add(gaussian(init, sizeOf(shape)));
        }
        Map<String, Object> config = name.equals("soap") || name.contains("shampoo")
                ? Map.of("precondition_frequency", 3, "lr", 1e-2, "precondition_1d", false)
                : Map.of("precondition_frequency", 3, "lr", 1e-2);
        double[][] onTested = trajectory(name, config, tested, dtype, start);
        double[][] onJava = trajectory(name, config, JAVA, dtype, start);
        double[] origin = Trajectories.flatten(start);
        double moved = Trajectories.moved(onJava, origin);
        assertTrue(moved > 1e-3, name + ": the parameters moved (" + moved + ")");
        double condition = CONDITION.computeIfAbsent(name, n -> Trajectories.condition(
                backend -> trajectory(n, config, backend, DType.F64, start), JAVA, origin));
        assertTrue(Double.isFinite(condition), name + ": a probed java run moved where the plain one did not");
        double unitRoundoff = dtype.epsilon() / 2;
        double tolerance = Trajectories.tolerance(N, unitRoundoff, condition);   // S ≥ 1: the last rounding counts once
        // Infinite when the tested backend moved an entry at a step where java had moved none.
        double error = Trajectories.worstRelative(onTested, onJava, origin);
        assertTrue(error <= tolerance, name + " " + dtype + ": " + tested.name() + " differs from java by "
                + error + " of the distance moved at some step; the limit 2·" + N + "·u·S = "
                + tolerance + " with S = " + condition + " (the problem's condition) and u = " + unitRoundoff);
        System.out.printf("parity %s %s %s: worst |backend - java| / moved over %d steps = %.3g, condition S = %.3g,"
                        + " limit %.3g (error / limit %.3f)%n", tested.name(), name, dtype, STEPS, error, condition,
                tolerance, error / tolerance);
    }

    /** The parameters after every step (flattened in registration order): 50 steps of seeded gradients. */
    private static double[][] trajectory(String name, Map<String, Object> config, Backend backend, DType dtype,
                                         List<double[]> start) {
        List<Parameter> params = new ArrayList<>();
        for (int k = 0; k < SHAPES.length; k++) {
            double[] x = start.get(k).clone();
            params.add(dtype == DType.F64 ? Parameter.of("p" + k, x, SHAPES[k])
                    : Parameter.of("p" + k, toFloat(x), SHAPES[k]));
        }
        Random rng = new Random(12);
        double[][] out = new double[STEPS][];
        try (EigenbasisOptimizer opt = Optimizers.create(name, config, params, backend)) {
            for (int step = 0; step < STEPS; step++) {
                Gradients g = new Gradients();
                for (int k = 0; k < SHAPES.length; k++) {
                    Parameter p = params.get(k);
                    double[] x = gaussian(rng, sizeOf(SHAPES[k]));
                    if (dtype == DType.F64) {
                        g.put(p, x);
                    } else {
                        g.put(p, toFloat(x));
                    }
                    if (SHAPES[k].length == 2) {
                        int samples = 8;
                        double[] a = gaussian(rng, samples * SHAPES[k][1]);
                        double[] o = gaussian(rng, samples * SHAPES[k][0]);
                        g.layer(p, new Gradients.LayerStatistics(a, o, samples));
                    }
                }
                opt.step(g);
                List<double[]> now = new ArrayList<>();
                for (Parameter p : params) {
                    double[] v = new double[p.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = p.get(i);
                    }
                    now.add(v);
                }
                out[step] = Trajectories.flatten(now);
            }
        }
        return out;
    }
}
