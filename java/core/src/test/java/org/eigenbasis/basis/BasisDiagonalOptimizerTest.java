package org.eigenbasis.basis;

import static org.eigenbasis.testing.TestMatrices.gaussian;
import static org.eigenbasis.testing.TestMatrices.spd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.internal.ModelMath;
import org.eigenbasis.precond.AdamWConfig;
import org.eigenbasis.precond.EigenbasisOptimizer;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizers;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.testing.TestMatrices;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BasisDiagonalOptimizer} on the java backend: against precond's AdamW, against {@link BasisOptimizer} on the
 * flattened vector, the Kronecker basis against the dense U_L ⊗ U_R, the curvature diagonals against their dense
 * formulas, save/load, and bad input. Gradients never depend on θ here, so per-step rounding bounds add (nothing
 * amplifies them). γ_k = k·u/(1 − k·u) (Higham §3.1); u the f64 unit roundoff.
 */
class BasisDiagonalOptimizerTest {
    private static final Backend JAVA = Backends.select("java");
    private static final double U = ErrorBounds.unitRoundoff(DType.F64);

    @TempDir
    Path dir;

    private static BasisDiagonalOptimizer optimizer(DiagonalRule rule, double lr, List<Parameter> ps,
                                                    Map<String, ParameterBasis> bases) {
        return new BasisDiagonalOptimizer(new BasisOptimizerConfig(lr, rule), ps, bases, JAVA);
    }

    /**
     * Identity basis against precond's AdamW with weight decay 0 (the same EMAs, so m and v are the same bits): the
     * step differs in rounding only. Ours: lr·((m/c₁)/(√(v/c₂) + ε)); precond's: (lr·√c₂/c₁)·(m/(√v + ε√c₂)), the same
     * real number; at most 12 roundings between them, so |Δθ| ≤ γ₁₂·lr·|step| + 2u|θ| per step.
     */
    @Test
    void adamInTheIdentityBasisIsPrecondAdamWToRounding() {
        int n = 6;
        int steps = 20;
        double lr = 0.03;
        Random rng = new Random(21);
        double[] ours = new double[n];
        double[] theirs = new double[n];
        double[] tol = new double[n];
        double b1 = 0.9;
        double b2 = 0.99;
        double eps = 1e-8;
        Parameter p = Parameter.of("w", ours, 2, 3);
        Parameter q = Parameter.of("w", theirs, 2, 3);
        double[] m = new double[n];
        double[] v = new double[n];
        try (BasisDiagonalOptimizer opt = optimizer(new DiagonalRule.Adam(b1, b2, eps), lr, List.of(p), Map.of());
             EigenbasisOptimizer adamW = Optimizers.adamW(AdamWConfig.defaults().withLr(lr).withBetas(b1, b2)
                     .withEps(eps).withWeightDecay(0), List.of(q), JAVA)) {
            for (int t = 1; t <= steps; t++) {
                double[] g = gaussian(rng, n);
                opt.step(new Gradients().put(p, g));
                adamW.step(new Gradients().put(q, g));
                for (int i = 0; i < n; i++) {
                    m[i] = b1 * m[i] + (1 - b1) * g[i];
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                    double step = (m[i] / (1 - Math.pow(b1, t))) / (Math.sqrt(v[i] / (1 - Math.pow(b2, t))) + eps);
                    tol[i] += ErrorBounds.gamma(12, DType.F64) * lr * Math.abs(step) + 2 * U * Math.abs(theirs[i]);
                    assertEquals(theirs[i], ours[i], tol[i], "step " + t + ", element " + i);
                }
            }
            assertEquals(steps, opt.stepCount());
        }
    }

    /**
     * A dense basis over a matrix parameter is {@link BasisOptimizer} on the flattened vector, bit for bit: the same
     * core (one block, rotations N × 1, one rule) runs both. Adam, AdaGrad, and Gauss–Newton^-1/2 with the logistic
     * regression GN matrix given per step.
     */
    @Test
    void aDenseBasisIsBasisOptimizerOnTheFlattenedVectorBitForBit() {
        int rows = 3;
        int cols = 4;
        int n = rows * cols;
        Random rng = new Random(22);
        Basis basis = BasisTest.randomBasis(rng, n);
        double[][] x = new double[30][n];
        for (double[] r : x) {
            System.arraycopy(gaussian(rng, n), 0, r, 0, n);
        }
        for (DiagonalRule rule : List.of(DiagonalRule.Adam.defaults(), DiagonalRule.Adagrad.defaults(),
                new DiagonalRule.GaussNewton(0.5, 1e-3))) {
            double[] w = gaussian(new Random(5), n);
            double[] flat = w.clone();
            Parameter p = Parameter.of("w", w, rows, cols);
            try (BasisDiagonalOptimizer opt = optimizer(rule, 0.1, List.of(p), Map.of("w", ParameterBasis.dense(basis)));
                 BasisOptimizer reference = new BasisOptimizer(new BasisOptimizerConfig(0.1, rule), basis, JAVA)) {
                for (int t = 0; t < 6; t++) {
                    double[] g = gaussian(rng, n);
                    if (rule instanceof DiagonalRule.GaussNewton) {
                        double[][] gn = GaussNewton.logisticRegression(x, flat, JAVA);
                        opt.step(new Gradients().put(p, g), Map.of("w", CurvatureDiagonal.dense(gn)));
                        reference.step(flat, g, gn);
                    } else {
                        opt.step(new Gradients().put(p, g));
                        reference.step(flat, g);
                    }
                    assertArrayEquals(flat, w, 0, rule + ", step " + t);
                }
            }
        }
    }

    /** U_L ⊗ U_R, row-major (U_{(a,b),(p,k)} = (U_L)_ap (U_R)_bk): the dense twin of a Kronecker basis. */
    static double[] kron(Basis left, Basis right) {
        return TestMatrices.kron(left.toRowMajor(), left.dimension(), right.toRowMajor(), right.dimension());
    }

    /**
     * The Kronecker basis (U_L, U_R) is the dense basis U_L ⊗ U_R over the row-major flattening, to rounding.
     * Gauss–Newton^-1 with one fixed D given in the basis makes the step linear: update = U D⁻¹ Uᵀg. The dense
     * path sums N = mn products per entry each way, the Kronecker path m then n: each entry of either update is
     * within (γ_N + γ_m + γ_n)·(|U| D⁻¹ |U|ᵀ|g|)_i per rotation pair of the exact one, plus u|θ| per store.
     * The test's own kron (U_L ⊗ U_R in a loop) also checks the stated index order: a transposed order would
     * differ by O(1).
     */
    @Test
    void aKroneckerBasisIsTheDenseKroneckerProductToRounding() {
        int m = 3;
        int n = 5;
        int size = m * n;
        Random rng = new Random(23);
        Basis left = BasisTest.randomBasis(rng, m);
        Basis right = BasisTest.randomBasis(rng, n);
        double[] u = kron(left, right);
        Basis dense = Basis.of(u, size);
        double[] d = new double[size];
        for (int j = 0; j < size; j++) {
            d[j] = 0.5 + rng.nextDouble();
        }
        double lr = 0.7;
        double[] a = new double[size];
        double[] b = new double[size];
        double[] tol = new double[size];
        Parameter pk = Parameter.of("w", a, m, n);
        Parameter pd = Parameter.of("w", b, m, n);
        double gamma = ErrorBounds.gamma(size, DType.F64) + ErrorBounds.gamma(m, DType.F64)
                + ErrorBounds.gamma(n, DType.F64);
        DiagonalRule gn = new DiagonalRule.GaussNewton(1, 0);
        try (BasisDiagonalOptimizer kronecker = optimizer(gn, lr, List.of(pk),
                Map.of("w", ParameterBasis.kronecker(left, right)));
             BasisDiagonalOptimizer full = optimizer(gn, lr, List.of(pd), Map.of("w", ParameterBasis.dense(dense)))) {
            kronecker.fixCurvature("w", CurvatureDiagonal.inBasis(d));
            full.fixCurvature("w", CurvatureDiagonal.inBasis(d));
            for (int t = 0; t < 8; t++) {
                double[] g = gaussian(rng, size);
                kronecker.step(new Gradients().put(pk, g));
                full.step(new Gradients().put(pd, g));
                double[] scaled = new double[size];
                for (int j = 0; j < size; j++) {
                    for (int k = 0; k < size; k++) {
                        scaled[j] += Math.abs(u[k * size + j] * g[k]);
                    }
                    scaled[j] /= d[j];
                }
                for (int i = 0; i < size; i++) {
                    double bound = 0;
                    for (int j = 0; j < size; j++) {
                        bound += Math.abs(u[i * size + j]) * scaled[j];
                    }
                    tol[i] += 2 * 2 * gamma * lr * bound + 2 * U * Math.abs(b[i]);
                    assertEquals(b[i], a[i], tol[i], "step " + t + ", element " + i);
                }
            }
        }
    }

    /**
     * D = diag(UᵀGU) for G = L ⊗ R in a Kronecker basis: from the factors, (U_LᵀLU_L)_pp·(U_RᵀRU_R)_kk at p·n + k,
     * against u_jᵀ G u_j summed here with the dense G and the dense U_L ⊗ U_R, and against the optimizer's own dense
     * path. Each is within γ_{2N+2}·(|U|ᵀ|G||U|)_jj of the exact value (|G| = |L| ⊗ |R| and |U| = |U_L| ⊗ |U_R|, so
     * the factor path's bounds multiply to the same quantity). The test first checks its own convention: the
     * gradient of ½vec(W)ᵀ(L ⊗ R)vec(W) is L W R, row-major. In the identity basis the factor path is exact:
     * diag(L)_a·diag(R)_b, one rounding, the same as diag(L ⊗ R).
     */
    @Test
    void theKroneckerCurvatureDiagonalIsTheDenseFormula() {
        int m = 4;
        int n = 3;
        int size = m * n;
        Random rng = new Random(24);
        double[] l = spd(rng, m);
        double[] r = spd(rng, n);
        double[] g = TestMatrices.kron(l, m, r, n);
        double[] w = gaussian(rng, size);
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < n; b++) {
                double lwr = 0;
                double gw = 0;
                for (int c = 0; c < m; c++) {
                    for (int e = 0; e < n; e++) {
                        lwr += l[a * m + c] * w[c * n + e] * r[e * n + b];
                    }
                }
                for (int k = 0; k < size; k++) {
                    gw += g[(a * n + b) * size + k] * w[k];
                }
                assertEquals(gw, lwr, 1e-12 * (Math.abs(gw) + 1), "(L ⊗ R)vec(W) = vec(L W R) at " + a + "," + b);
            }
        }
        Basis left = BasisTest.randomBasis(rng, m);
        Basis right = BasisTest.randomBasis(rng, n);
        double[] u = kron(left, right);
        Parameter p = Parameter.of("w", new double[size], m, n);
        try (BasisDiagonalOptimizer opt = optimizer(DiagonalRule.GaussNewton.defaults(), 1, List.of(p),
                Map.of("w", ParameterBasis.kronecker(left, right)))) {
            double[] fromFactors = opt.diagonal("w", new CurvatureDiagonal.Kronecker(l, m, r, n));
            double[] fromDense = opt.diagonal("w", new CurvatureDiagonal.Dense(g, size));
            for (int j = 0; j < size; j++) {
                double exact = 0;
                double scale = 0;
                for (int i = 0; i < size; i++) {
                    for (int k = 0; k < size; k++) {
                        exact += u[i * size + j] * g[i * size + k] * u[k * size + j];
                        scale += Math.abs(u[i * size + j] * g[i * size + k] * u[k * size + j]);
                    }
                }
                double tol = 2 * ErrorBounds.gamma(2 * size + 2, DType.F64) * scale;
                assertEquals(exact, fromFactors[j], tol, "factor path, coordinate " + j);
                assertEquals(exact, fromDense[j], tol, "dense path, coordinate " + j);
            }
            opt.setBasis("w", ParameterBasis.identity());
            double[] identity = opt.diagonal("w", new CurvatureDiagonal.Kronecker(l, m, r, n));
            for (int j = 0; j < size; j++) {
                assertEquals(g[j * size + j], identity[j], 0, "identity basis, coordinate " + j);
            }
        }
    }

    /** Three parameters (Kronecker, dense, identity f32) and the state a run leaves. */
    private record Run(double[] w, double[] b, float[] c, List<Parameter> ps) {
        static Run fresh() {
            double[] w = gaussian(new Random(1), 12);
            double[] b = gaussian(new Random(2), 3);
            float[] c = {0.5f, -1f};
            return new Run(w, b, c, List.of(Parameter.of("w", w, 3, 4), Parameter.of("b", b, 3), Parameter.of("c", c, 2)));
        }

        Gradients gradients(Random rng) {
            double[] gc = gaussian(rng, 2);
            return new Gradients().put(ps.get(0), gaussian(rng, 12)).put(ps.get(1), gaussian(rng, 3))
                    .put(ps.get(2), new float[] {(float) gc[0], (float) gc[1]});
        }
    }

    private static Map<String, ParameterBasis> bases() {
        Random rng = new Random(9);
        return Map.of("w", ParameterBasis.kronecker(BasisTest.randomBasis(rng, 3), BasisTest.randomBasis(rng, 4)),
                "b", ParameterBasis.dense(BasisTest.randomBasis(rng, 3)));
    }

    /**
     * Save after 4 steps, 4 more steps; a fresh optimizer (identity bases: the file restores them) loaded from the
     * file at the saved parameters takes the same 4 steps to the same bits. For Adam and for Gauss–Newton with fixed
     * curvatures (saved with the state). A file of another configuration or basis kind is refused, a corrupt one
     * too, and the refusing optimizer then steps exactly like its untouched twin.
     */
    @Test
    void saveAndLoadContinueBitIdentically() throws IOException {
        for (DiagonalRule rule : List.of(DiagonalRule.Adam.defaults(), new DiagonalRule.GaussNewton(1, 0.1))) {
            Path file = dir.resolve("state-" + rule.getClass().getSimpleName());
            Run first = Run.fresh();
            Random rng = new Random(3);
            double[] w4;
            double[] b4;
            float[] c4;
            try (BasisDiagonalOptimizer opt = optimizer(rule, 0.05, first.ps(), bases())) {
                if (rule instanceof DiagonalRule.GaussNewton) {
                    Random cr = new Random(4);
                    opt.fixCurvature("w", new CurvatureDiagonal.Kronecker(spd(cr, 3), 3, spd(cr, 4), 4));
                    opt.fixCurvature("b", new CurvatureDiagonal.Dense(spd(cr, 3), 3));
                    opt.fixCurvature("c", CurvatureDiagonal.inBasis(new double[] {1, 2}));
                }
                for (int t = 0; t < 4; t++) {
                    opt.step(first.gradients(rng));
                }
                opt.save(file);
                w4 = first.w().clone();
                b4 = first.b().clone();
                c4 = first.c().clone();
                for (int t = 0; t < 4; t++) {
                    opt.step(first.gradients(rng));
                }
            }
            Run second = Run.fresh();
            System.arraycopy(w4, 0, second.w(), 0, w4.length);
            System.arraycopy(b4, 0, second.b(), 0, b4.length);
            System.arraycopy(c4, 0, second.c(), 0, c4.length);
            Map<String, ParameterBasis> kinds = Map.of("w", ParameterBasis.kronecker(Basis.identity(3),
                    Basis.identity(4)), "b", ParameterBasis.dense(Basis.identity(3)));
            try (BasisDiagonalOptimizer opt = optimizer(rule, 0.05, second.ps(), kinds)) {
                opt.load(file);
                assertEquals(4, opt.stepCount());
                Random replay = new Random(3);
                for (int t = 0; t < 4; t++) {
                    first.gradients(replay);
                }
                for (int t = 0; t < 4; t++) {
                    opt.step(second.gradients(replay));
                }
                assertArrayEquals(first.w(), second.w(), 0, rule + ": w");
                assertArrayEquals(first.b(), second.b(), 0, rule + ": b");
                assertArrayEquals(first.c(), second.c(), 0, rule + ": c");
            }
        }
        Path file = dir.resolve("state-Adam");
        Run a = Run.fresh();
        Run twin = Run.fresh();
        try (BasisDiagonalOptimizer otherKinds = optimizer(DiagonalRule.Adam.defaults(), 0.05, a.ps(), Map.of());
             BasisDiagonalOptimizer otherLr = optimizer(DiagonalRule.Adam.defaults(), 0.5, a.ps(), bases());
             BasisDiagonalOptimizer reference = optimizer(DiagonalRule.Adam.defaults(), 0.05, twin.ps(), Map.of())) {
            otherKinds.step(a.gradients(new Random(7)));
            reference.step(twin.gradients(new Random(7)));
            assertThrows(IllegalArgumentException.class, () -> otherKinds.load(file));
            assertThrows(IllegalArgumentException.class, () -> otherLr.load(file));
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 1;
            Path corrupt = dir.resolve("corrupt");
            Files.write(corrupt, bytes);
            assertThrows(IOException.class, () -> otherKinds.load(corrupt));
            otherKinds.step(a.gradients(new Random(8)));
            reference.step(twin.gradients(new Random(8)));
            assertArrayEquals(twin.w(), a.w(), 0, "state kept after refused loads");
            assertEquals(2, otherKinds.stepCount());
        }
    }

    /**
     * Bad input is refused before anything is written: afterwards the optimizer steps exactly like a twin that never
     * saw it (parameters, moments, bases, fixed curvatures and step count unchanged).
     */
    @Test
    void badInputIsRefusedAndChangesNothing() {
        Run run = Run.fresh();
        Run twin = Run.fresh();
        DiagonalRule gn = new DiagonalRule.GaussNewton(1, 0);
        try (BasisDiagonalOptimizer opt = optimizer(gn, 0.1, run.ps(), bases());
             BasisDiagonalOptimizer ref = optimizer(gn, 0.1, twin.ps(), bases())) {
            for (BasisDiagonalOptimizer o : List.of(opt, ref)) {
                o.fixCurvature("w", new CurvatureDiagonal.Kronecker(spd(new Random(4), 3), 3, spd(new Random(5), 4), 4));
                o.fixCurvature("b", CurvatureDiagonal.inBasis(new double[] {1, 2, 3}));
            }
            Gradients good = run.gradients(new Random(6));
            // c has no curvature yet: refused, naming it
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> opt.step(good));
            assertTrue(missing.getMessage().startsWith("curvature of 'c'"), missing.getMessage());
            for (BasisDiagonalOptimizer o : List.of(opt, ref)) {
                o.fixCurvature("c", CurvatureDiagonal.inBasis(new double[] {1, 1}));
            }
            double[] nan = gaussian(new Random(7), 12);
            nan[5] = Double.NaN;
            Gradients bad = run.gradients(new Random(6)).put("w", nan);
            IllegalArgumentException nonFinite = assertThrows(IllegalArgumentException.class, () -> opt.step(bad));
            assertTrue(nonFinite.getMessage().startsWith("gradient of 'w': entry 5 is NaN"), nonFinite.getMessage());
            Gradients shortOne = run.gradients(new Random(6)).put("b", new double[2]);
            assertThrows(IllegalArgumentException.class, () -> opt.step(shortOne));
            assertThrows(IllegalArgumentException.class, () -> opt.step(good,
                    Map.of("b", new CurvatureDiagonal.Dense(spd(new Random(1), 4), 4))));
            assertThrows(IllegalArgumentException.class, () -> opt.step(good,
                    Map.of("w", new CurvatureDiagonal.Kronecker(spd(new Random(1), 4), 4, spd(new Random(1), 3), 3))));
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> opt.step(good,
                    Map.of("c", CurvatureDiagonal.inBasis(new double[] {1, 0}))));
            assertTrue(zero.getMessage().contains("diag(UᵀGU)_1"), zero.getMessage());
            assertThrows(IllegalArgumentException.class, () -> opt.step(good,
                    Map.of("c", CurvatureDiagonal.inBasis(new double[] {1, Double.POSITIVE_INFINITY}))));
            assertThrows(IllegalArgumentException.class, () -> opt.step(good, Map.of("nope",
                    CurvatureDiagonal.inBasis(new double[] {1}))));
            assertThrows(IllegalArgumentException.class, () -> opt.setBasis("w",
                    ParameterBasis.kronecker(Basis.identity(4), Basis.identity(3))));
            assertThrows(IllegalArgumentException.class, () -> opt.setBasis("b",
                    ParameterBasis.kronecker(Basis.identity(3), Basis.identity(1))));
            assertThrows(IllegalArgumentException.class, () -> opt.setBasis("c",
                    ParameterBasis.dense(Basis.identity(3))));
            assertThrows(IllegalArgumentException.class, () -> Basis.of(new double[] {1, 0, 0, 1.001}, 2));
            assertEquals(0, opt.stepCount());
            assertArrayEquals(twin.w(), run.w(), 0);
            opt.step(run.gradients(new Random(6)));
            ref.step(twin.gradients(new Random(6)));
            assertArrayEquals(twin.w(), run.w(), 0, "w after the refusals");
            assertArrayEquals(twin.b(), run.b(), 0, "b after the refusals");
            assertArrayEquals(twin.c(), run.c(), 0, "c after the refusals");
        }
        try (BasisDiagonalOptimizer adam = optimizer(DiagonalRule.Adam.defaults(), 0.1, run.ps(), Map.of())) {
            assertThrows(IllegalStateException.class, () -> adam.step(run.gradients(new Random(1)),
                    Map.of("c", CurvatureDiagonal.inBasis(new double[] {1, 1}))));
            assertThrows(IllegalStateException.class, () -> adam.fixCurvature("c",
                    CurvatureDiagonal.inBasis(new double[] {1, 1})));
            assertEquals(0, adam.stepCount());
        }
        assertThrows(IllegalArgumentException.class, () -> optimizer(DiagonalRule.Adam.defaults(), 0.1, run.ps(),
                Map.of("nope", ParameterBasis.identity())));
        assertThrows(IllegalArgumentException.class, () -> optimizer(DiagonalRule.Adam.defaults(), 0.1, run.ps(),
                Map.of("b", ParameterBasis.kronecker(Basis.identity(3), Basis.identity(1)))));
    }

    /**
     * Linear regression in the eigenbasis of G = XᵀX/n, full batch: GN^-1 with ε = 0 at lr 1 is Newton's method and
     * solves the problem in one step (loss ≤ 1e-20 of the initial), with the parameter shaped as a matrix and the
     * curvature fixed once.
     */
    @Test
    void gaussNewtonInTheEigenbasisSolvesLinearRegressionInOneStep() {
        int n = 40;
        int d = 6;
        Random rng = new Random(25);
        double[][] x = new double[n][d];
        double[] target = gaussian(rng, d);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = gaussian(rng, d);
            y[i] = ModelMath.dot(x[i], target);
        }
        double[][] g = GaussNewton.linearRegression(x, JAVA);
        double[] theta = new double[d];
        Parameter p = Parameter.of("theta", theta, 2, 3);
        LinearRegression problem = new LinearRegression(x, y);
        double initial = problem.loss(theta);
        try (BasisDiagonalOptimizer opt = optimizer(new DiagonalRule.GaussNewton(1, 0), 1, List.of(p),
                Map.of("theta", ParameterBasis.dense(Basis.eigenbasisOf(g, JAVA))))) {
            opt.fixCurvature("theta", CurvatureDiagonal.dense(g));
            opt.step(new Gradients().put(p, problem.gradient(theta)));
        }
        assertTrue(problem.loss(theta) <= 1e-20 * initial, "loss ratio " + problem.loss(theta) / initial);
    }
}
