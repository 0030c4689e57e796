package org.eigenbasis.contract;

import static org.eigenbasis.testing.TestMatrices.gaussian;
import static org.eigenbasis.testing.TestMatrices.spd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.basis.Basis;
import org.eigenbasis.basis.BasisDiagonalOptimizer;
import org.eigenbasis.basis.BasisOptimizerConfig;
import org.eigenbasis.basis.CurvatureDiagonal;
import org.eigenbasis.basis.DiagonalRule;
import org.eigenbasis.basis.ParameterBasis;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.testing.TestMatrices;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BasisDiagonalOptimizer} on every backend: its backend work is the rotations (PreconditionerKernel.rotate
 * on off-heap state where the backend keeps it) and the GU products of the curvature diagonals; the elementwise
 * rules are the same JVM code everywhere. Sizes are odd and not multiples of SIMD or warp widths (Kronecker 17 × 9,
 * dense 33, identity 5).
 * <ul>
 *   <li>Gauss–Newton^-1 with a fixed D given in the basis is linear, update = U D⁻¹ Uᵀg, so this backend and the
 *       java reference are each within 2(γ_m + γ_n)·(|U| D⁻¹ |U|ᵀ|g|)_i of the exact update (a Kronecker rotation
 *       sums m then n products; dense: γ_N), per step, plus u|θ| per store: parity to twice that, summed over
 *       steps (the gradients do not depend on θ, so nothing amplifies).</li>
 *   <li>D from Kronecker factors and from a dense G, against the java reference within twice γ_{2k+2} of
 *       (|U|ᵀ|G||U|)_jj (k the sandwich's inner size).</li>
 *   <li>Save on this backend, load into a fresh optimizer on it: the continuation is the same bits.</li>
 *   <li>Bad input is refused before the off-heap state is touched.</li>
 * </ul>
 */
public abstract class BasisOptimizerContract extends BackendContract {
    private static final Backend REFERENCE = new JavaBackend();
    private static final int M = 17;
    private static final int N = 9;
    private static final int DENSE = 33;

    @TempDir
    Path dir;

    /** The eigenbasis of a random symmetric matrix (on the reference, so both sides get the same bits). */
    private static Basis randomBasis(Random rng, int d) {
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = rng.nextGaussian();
                a[j][i] = a[i][j];
            }
        }
        return Basis.eigenbasisOf(a, REFERENCE);
    }

    /** |M|, row-major. */
    private static double[] abs(double[] m) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = Math.abs(m[i]);
        }
        return out;
    }

    private record Setup(Basis left, Basis right, Basis dense, double[] dw, double[] db, double[] dc) {
        static Setup of(long seed) {
            Random rng = new Random(seed);
            double[] dw = new double[M * N];
            double[] db = new double[DENSE];
            double[] dc = new double[5];
            for (double[] d : List.of(dw, db, dc)) {
                for (int j = 0; j < d.length; j++) {
                    d[j] = 0.5 + rng.nextDouble();
                }
            }
            return new Setup(randomBasis(rng, M), randomBasis(rng, N), randomBasis(rng, DENSE), dw, db, dc);
        }

        BasisDiagonalOptimizer optimizer(DiagonalRule rule, List<Parameter> ps, Backend backend) {
            BasisDiagonalOptimizer opt = new BasisDiagonalOptimizer(new BasisOptimizerConfig(0.3, rule), ps,
                    Map.of("w", ParameterBasis.kronecker(left, right), "b", ParameterBasis.dense(dense)), backend);
            if (rule instanceof DiagonalRule.GaussNewton) {
                opt.fixCurvature("w", CurvatureDiagonal.inBasis(dw));
                opt.fixCurvature("b", CurvatureDiagonal.inBasis(db));
                opt.fixCurvature("c", CurvatureDiagonal.inBasis(dc));
            }
            return opt;
        }
    }

    private static List<Parameter> parameters(double[] w, double[] b, double[] c) {
        return List.of(Parameter.of("w", w, M, N), Parameter.of("b", b, DENSE), Parameter.of("c", c, 5));
    }

    private static Gradients gradients(List<Parameter> ps, Random rng) {
        Gradients g = new Gradients();
        for (Parameter p : ps) {
            g.put(p, gaussian(rng, p.size()));
        }
        return g;
    }

    /** |U| D⁻¹ |U|ᵀ |g| for a row-major dense |U| of size n. */
    private static double[] linearBound(double[] absU, double[] d, double[] g, int n) {
        double[] c = new double[n];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < n; k++) {
                c[j] += absU[k * n + j] * Math.abs(g[k]);
            }
            c[j] /= d[j];
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i] += absU[i * n + j] * c[j];
            }
        }
        return out;
    }

    @Test
    void gaussNewtonStepsMatchTheJavaReference() {
        Setup s = Setup.of(41);
        double lr = 0.3;
        double[][] mine = {new double[M * N], new double[DENSE], new double[5]};
        double[][] ref = {new double[M * N], new double[DENSE], new double[5]};
        List<Parameter> pm = parameters(mine[0], mine[1], mine[2]);
        List<Parameter> pr = parameters(ref[0], ref[1], ref[2]);
        double[] absKron = abs(TestMatrices.kron(s.left().toRowMajor(), M, s.right().toRowMajor(), N));
        double[] absDense = abs(s.dense().toRowMajor());
        double gk = ErrorBounds.gamma(M, DType.F64) + ErrorBounds.gamma(N, DType.F64);
        double gd = ErrorBounds.gamma(DENSE, DType.F64);
        double u = ErrorBounds.unitRoundoff(DType.F64);
        double[][] tol = {new double[M * N], new double[DENSE], new double[5]};
        DiagonalRule gn = new DiagonalRule.GaussNewton(1, 0);
        try (BasisDiagonalOptimizer a = s.optimizer(gn, pm, backend());
             BasisDiagonalOptimizer b = s.optimizer(gn, pr, REFERENCE)) {
            Random rng = new Random(42);
            for (int t = 0; t < 4; t++) {
                Gradients g = gradients(pm, rng);
                a.step(g);
                b.step(g);
                double[] bw = linearBound(absKron, s.dw(), g.f64("w"), M * N);
                double[] bb = linearBound(absDense, s.db(), g.f64("b"), DENSE);
                for (int i = 0; i < M * N; i++) {
                    tol[0][i] += 2 * 2 * gk * lr * bw[i] + 2 * u * Math.abs(ref[0][i]);
                }
                for (int i = 0; i < DENSE; i++) {
                    tol[1][i] += 2 * 2 * gd * lr * bb[i] + 2 * u * Math.abs(ref[1][i]);
                }
                for (int k = 0; k < 2; k++) {
                    for (int i = 0; i < ref[k].length; i++) {
                        assertEquals(ref[k][i], mine[k][i], tol[k][i], backend().name() + ": step " + t
                                + ", parameter " + k + ", element " + i);
                    }
                }
                assertArrayEquals(ref[2], mine[2], 0, "the identity basis is exact on every backend");
            }
        }
    }

    @Test
    void curvatureDiagonalsMatchTheJavaReference() {
        Setup s = Setup.of(43);
        Random rng = new Random(44);
        double[] l = spd(rng, M);
        double[] r = spd(rng, N);
        double[] g = spd(rng, DENSE);
        List<Parameter> ps = parameters(new double[M * N], new double[DENSE], new double[5]);
        DiagonalRule gn = DiagonalRule.GaussNewton.defaults();
        try (BasisDiagonalOptimizer a = s.optimizer(gn, ps, backend());
             BasisDiagonalOptimizer b = s.optimizer(gn, ps, REFERENCE)) {
            CurvatureDiagonal factors = new CurvatureDiagonal.Kronecker(l, M, r, N);
            double[] mine = a.diagonal("w", factors);
            double[] ref = b.diagonal("w", factors);
            double[] sl = sandwichScale(abs(s.left().toRowMajor()), abs(l), M);
            double[] sr = sandwichScale(abs(s.right().toRowMajor()), abs(r), N);
            double gamma = ErrorBounds.gamma(2 * M * N + 2, DType.F64);
            for (int p = 0; p < M; p++) {
                for (int k = 0; k < N; k++) {
                    assertEquals(ref[p * N + k], mine[p * N + k], 2 * gamma * sl[p] * sr[k],
                            backend().name() + ": Kronecker D at (" + p + ", " + k + ")");
                }
            }
            CurvatureDiagonal dense = new CurvatureDiagonal.Dense(g, DENSE);
            double[] mineDense = a.diagonal("b", dense);
            double[] refDense = b.diagonal("b", dense);
            double[] sd = sandwichScale(abs(s.dense().toRowMajor()), abs(g), DENSE);
            for (int j = 0; j < DENSE; j++) {
                assertEquals(refDense[j], mineDense[j], 2 * ErrorBounds.gamma(2 * DENSE + 2, DType.F64) * sd[j],
                        backend().name() + ": dense D at " + j);
            }
        }
    }

    /** (|U|ᵀ|G||U|)_jj. */
    private static double[] sandwichScale(double[] absU, double[] absG, int n) {
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) {
                    out[j] += absU[i * n + j] * absG[i * n + k] * absU[k * n + j];
                }
            }
        }
        return out;
    }

    @Test
    void saveAndLoadOnThisBackendContinueBitIdentically() throws IOException {
        Setup s = Setup.of(45);
        Path file = dir.resolve("basis.state");
        for (DiagonalRule rule : List.of(DiagonalRule.Adam.defaults(), new DiagonalRule.GaussNewton(0.5, 0.1))) {
            double[][] x = {gaussian(new Random(1), M * N), gaussian(new Random(2), DENSE), gaussian(new Random(3), 5)};
            double[][] y = new double[3][];
            List<Parameter> px = parameters(x[0], x[1], x[2]);
            Random rng = new Random(46);
            try (BasisDiagonalOptimizer a = s.optimizer(rule, px, backend())) {
                for (int t = 0; t < 3; t++) {
                    a.step(gradients(px, rng));
                }
                a.save(file);
                for (int k = 0; k < 3; k++) {
                    y[k] = x[k].clone();
                }
                for (int t = 0; t < 3; t++) {
                    a.step(gradients(px, rng));
                }
            }
            List<Parameter> py = parameters(y[0], y[1], y[2]);
            Setup other = Setup.of(47);
            try (BasisDiagonalOptimizer b = other.optimizer(rule, py, backend())) {
                b.load(file);
                Random replay = new Random(46);
                for (int t = 0; t < 3; t++) {
                    gradients(py, replay);
                }
                for (int t = 0; t < 3; t++) {
                    b.step(gradients(py, replay));
                }
            }
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(x[k], y[k], 0, backend().name() + ", " + rule + ": parameter " + k);
            }
        }
    }

    @Test
    void badInputChangesNothing() {
        Setup s = Setup.of(48);
        double[][] x = {new double[M * N], new double[DENSE], new double[5]};
        double[][] y = {new double[M * N], new double[DENSE], new double[5]};
        List<Parameter> px = parameters(x[0], x[1], x[2]);
        List<Parameter> py = parameters(y[0], y[1], y[2]);
        DiagonalRule gn = new DiagonalRule.GaussNewton(1, 0);
        try (BasisDiagonalOptimizer a = s.optimizer(gn, px, backend());
             BasisDiagonalOptimizer b = s.optimizer(gn, py, backend())) {
            Gradients bad = gradients(px, new Random(1));
            bad.f64("b")[DENSE - 1] = Double.POSITIVE_INFINITY;
            assertThrows(IllegalArgumentException.class, () -> a.step(bad));
            double[] zero = s.dc().clone();
            zero[4] = 0;
            assertThrows(IllegalArgumentException.class, () -> a.step(gradients(px, new Random(2)),
                    Map.of("c", CurvatureDiagonal.inBasis(zero))));
            assertThrows(IllegalArgumentException.class, () -> a.setBasis("w",
                    ParameterBasis.kronecker(s.right(), s.left())));
            Gradients good = gradients(px, new Random(3));
            a.step(good);
            b.step(good);
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(y[k], x[k], 0, backend().name() + ": parameter " + k);
            }
            assertEquals(1, a.stepCount());
        }
    }
}
