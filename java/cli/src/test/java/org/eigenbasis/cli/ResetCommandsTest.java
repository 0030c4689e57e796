package org.eigenbasis.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eigenbasis.io.Npy;
import org.eigenbasis.train.Sweep;
import org.eigenbasis.value.BatchedMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Argument parsing and exit codes of {@code filter} and {@code reset ...}: every bad input is refused with exit 2
 * and one line on stderr before any numerical work, so these hold whatever the state of the implementations.
 */
class ResetCommandsTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EigenbasisCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /** Exit 2, one "eigenbasis:" line on stderr that contains every fragment, no stack trace, nothing on stdout. */
    static void assertBadInput(Run r, String... fragments) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("eigenbasis:")).count(), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "stderr lacks '" + f + "': " + r.err());
        }
        assertFalse(r.err().contains("\tat "), r.err());
        assertEquals("", r.out());
    }

    static final String[] SIM_TAIL = {"--sigma", "0.5", "--trajectories", "100", "--seed", "1"};

    @Test
    void badLawIsExit2WithTheParsersMessage() {
        assertBadInput(run("filter", "--law", "expo(rate=1)", "--mu", "1"), "unknown name 'expo'", "exp(rate=R)");
        assertBadInput(run("filter", "--law", "exp(rate=-1)", "--mu", "1"), "exp rate");
        assertBadInput(run("filter", "--law", "gamma(k=2)", "--mu", "1"), "missing key 'scale'");
        assertBadInput(run("reset", "moments", "--law", "pareto(xm=1,alpha=0.5)", "--mu", "1", "--theta-star", "1",
                "--sigma", "1"), "infinite mean");
        assertBadInput(run("reset", "simulate", "--law", "det(T)", "--mu", "1", "--theta-star", "1", "--sigma", "1",
                "--trajectories", "10", "--seed", "1"), "not key=value");
    }

    @Test
    void negativeCurvatureIsExit2() {
        assertBadInput(run("filter", "--law", "exp(rate=1)", "--mu", "0.1,-1"), "--mu", "item 2", "negative curvature");
        assertBadInput(run("reset", "moments", "--law", "exp(rate=1)", "--mu", "-0.5", "--theta-star", "1",
                "--sigma", "1"), "negative curvature");
        assertBadInput(run(concat(new String[] {"reset", "simulate", "--law", "exp(rate=1)", "--mu", "1,-2",
            "--theta-star", "1,1"}, SIM_TAIL)), "negative curvature");
    }

    @Test
    void lengthMismatchNamesBothOptionsAndLengths() {
        assertBadInput(run("reset", "moments", "--law", "exp(rate=1)", "--mu", "1,2,3", "--theta-star", "1,2",
                "--sigma", "1"), "--theta-star has 2", "--mu has 3");
        assertBadInput(run(concat(new String[] {"reset", "simulate", "--law", "exp(rate=1)", "--mu", "1",
            "--theta-star", "1,2"}, SIM_TAIL)), "--theta-star has 2", "--mu has 1");
    }

    @Test
    void badNumbersAndRangesAreExit2() {
        assertBadInput(run("filter", "--law", "exp(rate=1)", "--mu", "1,abc"), "--mu", "'abc'", "not a number");
        assertBadInput(run("filter", "--law", "exp(rate=1)", "--mu", "1,,2"), "--mu", "item 2");
        assertBadInput(run("filter", "--law", "exp(rate=1)", "--mu", "NaN"), "finite");
        assertBadInput(run("reset", "moments", "--law", "exp(rate=1)", "--mu", "1", "--theta-star", "1",
                "--sigma", "-1"), "--sigma");
        String[] base = {"reset", "simulate", "--law", "exp(rate=1)", "--mu", "1", "--theta-star", "1", "--sigma", "1",
            "--seed", "1"};
        assertBadInput(run(concat(base, new String[] {"--trajectories", "0"})), "--trajectories");
        assertBadInput(run(concat(base, new String[] {"--trajectories", "10", "--horizon", "0"})), "--horizon");
        assertBadInput(run(concat(base, new String[] {"--trajectories", "10", "--euler-step", "-0.1"})), "--euler-step");
        assertBadInput(run(concat(base, new String[] {"--trajectories", "10", "--backend", "tpu"})), "tpu");
    }

    @Test
    void missingOptionsAndSubcommandAreUsageErrors() {
        assertEquals(2, run("filter", "--law", "exp(rate=1)").code(), "--mu is required");
        assertEquals(2, run("reset").code(), "a subcommand is required");
        assertEquals(2, run("reset", "moments", "--law", "exp(rate=1)", "--mu", "1").code());
        assertEquals(2, run("reset", "simulate", "--law", "exp(rate=1)", "--mu", "1", "--theta-star", "1",
                "--sigma", "1").code(), "--trajectories and --seed are required");
        Run help = run("reset", "--help");
        assertEquals(0, help.code());
        for (String sub : new String[] {"moments", "simulate", "ridge", "experiment"}) {
            assertTrue(help.out().contains(sub), help.out());
        }
        assertTrue(run("--help").out().contains("filter"));
    }

    @Test
    void ridgeRefusesMissingFilesAndMismatchedShapes() throws Exception {
        Path x = dir.resolve("X.npy");
        Path y = dir.resolve("y.npy");
        Path missing = dir.resolve("missing.npy");
        try (BatchedMatrix xm = BatchedMatrix.of(new double[12], 1, 4, 3);
                BatchedMatrix ym = BatchedMatrix.of(new double[5], 1, 1, 5)) {
            Npy.write(x, xm, 4, 3);
            Npy.write(y, ym, 5);
        }
        assertBadInput(run("reset", "ridge", "--x", missing.toString(), "--y", y.toString(), "--law", "exp(rate=1)"),
                "missing.npy", "no such file");
        assertBadInput(run("reset", "ridge", "--x", x.toString(), "--y", missing.toString(), "--law", "exp(rate=1)"),
                "no such file");
        assertBadInput(run("reset", "ridge", "--x", x.toString(), "--y", y.toString(), "--law", "exp(rate=1)"),
                "y.npy", "(5,)", "X.npy", "(4, 3)");
        Path y2 = dir.resolve("y2.npy");
        try (BatchedMatrix ym = BatchedMatrix.of(new double[8], 1, 4, 2)) {
            Npy.write(y2, ym, 4, 2);
        }
        assertBadInput(run("reset", "ridge", "--x", x.toString(), "--y", y2.toString(), "--law", "exp(rate=1)"),
                "y2.npy", "(4, 2)", "(n,) or (n, 1)");
        Path x1 = dir.resolve("x1.npy");
        try (BatchedMatrix xm = BatchedMatrix.of(new double[4], 1, 1, 4)) {
            Npy.write(x1, xm, 4);
        }
        assertBadInput(run("reset", "ridge", "--x", x1.toString(), "--y", y.toString(), "--law", "exp(rate=1)"),
                "x1.npy", "(4,)", "(n, d)");
        double[] nan = new double[12];
        nan[7] = Double.NaN;
        Path xNan = dir.resolve("xnan.npy");
        Path y4 = dir.resolve("y4.npy");
        try (BatchedMatrix xm = BatchedMatrix.of(nan, 1, 4, 3); BatchedMatrix ym = BatchedMatrix.of(new double[4], 1, 4, 1)) {
            Npy.write(xNan, xm, 4, 3);
            Npy.write(y4, ym, 4, 1);
        }
        assertBadInput(run("reset", "ridge", "--x", xNan.toString(), "--y", y4.toString(), "--law", "exp(rate=1)"),
                "xnan.npy", "(2, 1)", "NaN");
        assertBadInput(run("reset", "ridge", "--x", x.toString(), "--y", y4.toString(), "--law", "exp(1)"),
                "not key=value");
    }

    @Test
    void experimentRefusesAnOutputThatIsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        assertBadInput(run("reset", "experiment", "--quick", "--out", file.toString()), "--out", "not a directory");
        assertBadInput(run("reset", "experiment", "--quick", "--out", dir.resolve("r").toString(), "--backend", "tpu"),
                "tpu");
    }

    @Test
    void experimentHelpersAreExact() {
        double[] ms = ResetExperiment.meanAndStderr(new double[] {1, 2, 3});
        assertEquals(2, ms[0], 0, "6/3: exact");
        // √(2/2/3) against √(1/3): the same real 1/3 rounded once (the other quotients exact), then the square root.
        assertEquals(Math.sqrt(1.0 / 3), ms[1], Math.ulp(Math.sqrt(1.0 / 3)));
        assertEquals("\"a,b\"", ResetExperimentCommand.csvText("a,b"));
        assertEquals(0, ResetMonteCarloCheck.z(1, 1, 0));
        // Ridge by the dual formula against the normal equations on a 3 × 2 system: (XᵀX + I)θ = Xᵀy.
        double[][] x = {{1, 2}, {0, 1}, {1, -1}};
        double[] y = {1, 2, 3};
        double[] theta = ResetExperiment.ridgeDual(x, y, 1);
        // XᵀX + I = [[3, 1], [1, 7]], Xᵀy = (4, 1): θ = (27, −1)/20. The dual solve: A = XXᵀ + I (integers,
        // exact) by Gaussian elimination with partial pivoting, exact for A + ΔA with ‖ΔA‖∞ ≤ n·γ_(3n)·ρ·‖A‖∞
        // (Higham Thm 9.5; n = 3, growth ρ ≤ 2^(n−1) = 4, ‖A‖∞ = 11), so α is off by κ∞(A)·n·γ_9·4·‖α‖∞,
        // κ∞(A) ≤ 3‖A‖∞/λ_min(A) = 33, ‖α‖∞ ≤ ‖α‖₂ ≤ ‖y‖₂ = √14; θ = Xᵀα by ‖X‖∞ = 3 times that, plus γ_3 of |X|ᵀ|α|.
        double u = 0x1p-53;
        double gamma9 = 9 * u / (1 - 9 * u);
        double tol = 3 * (33 * 3 * gamma9 * 4 * Math.sqrt(14)) + 3 * u / (1 - 3 * u) * 3 * Math.sqrt(14);
        assertEquals(27.0 / 20, theta[0], tol);
        assertEquals(-1.0 / 20, theta[1], tol);
    }

    @Test
    void experimentMeansMatchTheirFamilies() {
        // Each family's law at mean m has mean m (Weibull's mean needs the Γ function of the filter work).
        for (ResetExperiment.Family f : ResetExperiment.families()) {
            if (f.name().startsWith("weibull")) {
                continue;
            }
            for (double m : new double[] {1e-3, 0.7, 40}) {
                // A few roundings of m (1/(1/m), 2(m/2), 3(2m/3)/2, …: γ_4), and lognormal's e^(ln m − 1/2 + 1/2),
                // whose exponent carries the rounding of ln m and the two additions: 2u(|ln m| + 1) relative.
                double u = 0x1p-53;
                double tol = (4 * u / (1 - 4 * u) + 2 * u * (Math.abs(Math.log(m)) + 1)) * m;
                assertEquals(m, f.atMean().apply(m).mean(), tol, f.name());
            }
        }
        assertEquals(9, ResetExperiment.families().size());
    }

    @Test
    void experimentSpectralFormulaIsRidgeAndRiskIsExact() {
        // The thin-SVD machinery of the experiment with the ridge filter (no resetting implementation needed).
        ResetExperiment.Settings small = new ResetExperiment.Settings(30, 12, 1, 0.5, Sweep.logGrid(0.01, 100, 5),
                Sweep.logGrid(0.1, 10, 3), 10);
        ResetExperimentDataset ds = new ResetExperimentDataset(small, 5);
        assertEquals(12, ds.nu.length, "n < d: rank n");
        double u = 0x1p-53;
        for (double lambda : new double[] {1e-3, 0.3, 20}) {
            double[] h = ds.ridge(lambda);
            double[] theta = ds.estimate(h);
            double[] direct = ResetExperiment.ridgeDual(ds.x, ds.y, lambda);
            // Both are Xᵀ(XXᵀ + λI)⁻¹y: the thin SVD through the java eigh of XXᵀ, the dual by Gaussian elimination
            // with partial pivoting. Each is judged as LAPACK's tests judge them, backward error below sep.in's
            // threshold 60 times n·ε·‖A‖ (dtest.in's 30 for the LU), so each relative error is at most
            // 60·κ₂·n·ε, κ₂ = (ν_max + λ)/(ν_min + λ) on the kept eigenvalues; twice that for the difference.
            // (Wilkinson's worst-case growth 2^(n−1) would allow 2048 times more: not what a test can resolve.)
            double kappa = (ds.nu[0] + lambda) / (ds.nu[ds.nu.length - 1] + lambda);
            kappa = Math.max(kappa, 1 / kappa);
            double relTol = 2 * 60 * kappa * ds.nu.length * 2 * u;
            assertTrue(ResetExperiment.relativeDifference(theta, direct) <= relTol, "lambda " + lambda + ": "
                    + ResetExperiment.relativeDifference(theta, direct) + " > " + relTol);
            double risk = 0;
            double[] w = ds.coefficients(h);
            double scale = 0;
            for (int i = 0; i < theta.length; i++) {
                risk += ds.sigma[i] * (theta[i] - ds.theta[i]) * (theta[i] - ds.theta[i]);
                assertEquals(1.0 / ((i + 1.0) * (i + 1.0)), ds.sigma[i], 0, "1/(i + 1)²: the same expression");
                double t = 0;
                for (int j = 0; j < w.length; j++) {
                    t += Math.abs(w[j] * ds.v[j][i]);
                }
                scale += ds.sigma[i] * (t + Math.abs(ds.theta[i])) * (t + Math.abs(ds.theta[i]));
            }
            // wᵀAw − 2wᵀb + θᵀΣθ (A = VᵀΣV, b = VᵀΣθ) against Σ σ_i(θ̂_i − θ_i)², θ̂ = Σ_j w_j v_j: the same value
            // from the same v and w; each side a sum of products of length at most d + 2r + 3 (Higham §3.1):
            // γ_(d+2r+3) of Σ_i σ_i(Σ_j|w_j v_ji| + |θ_i|)², twice.
            int k = theta.length + 2 * w.length + 3;
            assertEquals(risk, ds.risk(h), 2 * k * u / (1 - k * u) * scale);
        }
        // h = 0: w = 0, so the risk is riskOfZero + 0 − 0 exactly.
        assertEquals(ds.riskOfZero, ds.risk(new double[ds.nu.length]), 0);
        ResetExperimentDataset again = new ResetExperimentDataset(small, 5);
        assertArrayEquals(ds.y, again.y, 0, "seeded");
    }

    @Test
    void refinementFindsTheMinimumBetweenGridNeighbours() {
        double[] grid = Sweep.logGrid(0.01, 100, 9);
        // Risk (log m − log 2)² + 1, minimised at m = 2, between grid points 1 and 3.16.
        double m = ResetExperiment.refine(grid, 4, t -> new double[] {Math.pow(Math.log(t / 2), 2) + 1});
        // Golden section stops once its bracket is at most 5e-3 wide in ln m and returns a point inside it, which
        // holds the minimiser: |ln m − ln 2| < 5e-3, so |m − 2| < 2·(e^(5e-3) − 1).
        assertEquals(2, m, 2 * Math.expm1(5e-3));
        // A minimum at the grid edge stays within the grid.
        double edge = ResetExperiment.refine(grid, 0, t -> new double[] {t});
        assertTrue(edge >= grid[0] && edge <= grid[1], Double.toString(edge));
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
