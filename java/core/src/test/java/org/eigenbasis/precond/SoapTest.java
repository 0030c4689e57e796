package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.spi.EighKernel;
import org.eigenbasis.spi.RefreshKernel;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.testing.Trajectories;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SoapTest {
    private static final Backend JAVA = Backends.select("java");

    /** One parameter of the comparison: its shape, the view the reference sees and which view dims are factored. */
    private record Case(String name, int[] shape, int[] view, boolean[] factored) {
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void matchesTheReferenceTranscriptionOnMatricesVectorsAndTensors(boolean variant) {
        double lr = 0.02;
        double[] betas = variant ? new double[] {0.9, 0.99} : new double[] {0.95, 0.95};
        double shampooBeta = variant ? 0.8 : -1;
        double wd = variant ? 0.05 : 0.01;
        int frequency = 3;
        int maxDim = variant ? 6 : 4;
        boolean merge = variant;
        boolean oneD = variant;
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("square", new int[] {4, 4}, new int[] {4, 4}, new boolean[] {true, true}));
        cases.add(new Case("tall", new int[] {7, 3}, merge ? new int[] {7, 3} : new int[] {7, 3},
                new boolean[] {false, true}));                                  // one-sided: 7 > max
        // Factors of full rank at the first step, so the reference's eigenbasis is unique (up to signs, which
        // cancel): a vector with precondition_1d has size 2 (rank-1 factor, a 1-dim null space).
        cases.add(new Case("bias", oneD ? new int[] {2} : new int[] {5}, oneD ? new int[] {2} : new int[] {5},
                new boolean[] {oneD}));
        cases.add(new Case("scalar", new int[] {}, new int[] {}, new boolean[] {}));
        cases.add(merge
                ? new Case("tensor", new int[] {3, 2, 8}, new int[] {6, 8}, new boolean[] {true, false})
                : new Case("tensor", new int[] {2, 3, 4}, new int[] {2, 3, 4}, new boolean[] {true, true, true}));
        SoapConfig config = new SoapConfig(lr, betas, shampooBeta, 1e-8, wd, frequency, maxDim, merge, oneD, variant,
                !variant, BasisChangePolicy.PERMUTE);
        Random init = new Random(7);
        List<double[]> start = new ArrayList<>();
        for (Case c : cases) {
            start.add(Dense.random(init, TensorLayout.size(c.shape())));
        }
        double[] origin = Trajectories.flatten(start);
        double[][] library = library(config, cases, start, JAVA);
        double[][] reference = new double[STEPS][];
        List<double[]> refParams = new ArrayList<>();
        List<SoapReference> refs = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            refParams.add(start.get(i).clone());
            refs.add(new SoapReference(c.view(), c.factored(), lr, betas[0], betas[1], shampooBeta, 1e-8, wd, frequency,
                    variant, !variant));
        }
        Random rng = new Random(8);
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < cases.size(); i++) {
                refs.get(i).step(refParams.get(i), Dense.random(rng, start.get(i).length));
            }
            reference[t] = Trajectories.flatten(refParams);
        }
        // Two different computations of the same steps: the library (Householder tridiagonal QL, Householder QR,
        // kernels summing in double) and the transcription (cyclic Jacobi, modified Gram-Schmidt, plain loops), each
        // backward stable kernel by kernel, so within 2·N·u·S of each other (Trajectories, as native's parity
        // contract). N = 24 bounds the roundings any kernel output carries: the longest sum has 12 terms (the
        // 2 × 3 × 4 tensor's factor of dim 0), with the factor's lerp 14; a projection of that tensor is three mode
        // products, 2 + 3 + 4 terms along a path; the eigendecompositions and QRs are of d ≤ 6, their backward error
        // taken within N·u as there; the transcription's Jacobi stops at an off-diagonal below 1e-15·‖GG‖_F, 9u.
        // One addition: the transcription's Gram-Schmidt Q departs from orthogonality by κ(GG)·u
        // (SoapReference#maxCondition). S is the library's, measured by the probe.
        double s = Trajectories.condition(backend -> library(config, cases, start, backend), JAVA, origin);
        double err = Trajectories.worstRelative(library, reference, origin);
        double kappa = refs.stream().mapToDouble(r -> r.maxCondition).max().orElse(1);
        double tol = (2 * 24 + kappa) * ErrorBounds.unitRoundoff(DType.F64) * Math.max(s, 1);
        System.out.printf("SOAP vs transcription (variant %b): error %.3g of the distance moved, S = %.3g, κ = %.3g,"
                + " limit %.3g%n", variant, err, s, kappa, tol);
        assertTrue(Trajectories.moved(reference, origin) > 1e-3, "the parameters moved");
        assertTrue(err <= tol, "differs from the reference by " + err + " of the distance moved; limit (2·N + κ)·u·S = "
                + tol + " with S = " + s + ", κ = " + kappa);
    }

    private static final int STEPS = 14;

    /** The library's parameters (flattened in case order) after each of the 14 steps, on the given backend. */
    private static double[][] library(SoapConfig config, List<Case> cases, List<double[]> start, Backend backend) {
        List<Parameter> params = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            params.add(Parameter.of(cases.get(i).name(), start.get(i).clone(), cases.get(i).shape()));
        }
        double[][] out = new double[STEPS][];
        EigenbasisOptimizer soap = Optimizers.soap(config, params, backend);
        Random rng = new Random(8);
        for (int t = 0; t < STEPS; t++) {
            Gradients grads = new Gradients();
            for (int i = 0; i < cases.size(); i++) {
                grads.put(cases.get(i).name(), Dense.random(rng, params.get(i).size()));
            }
            soap.step(grads);
            List<double[]> now = new ArrayList<>();
            for (Parameter p : params) {
                now.add(p.f64());
            }
            out[t] = Trajectories.flatten(now);
        }
        assertEquals(STEPS, soap.stepCount());
        return out;
    }

    @Test
    void theFirstStepOnlyInitialisesAndTheSecondIsHandComputed() {
        // G1 = diag(2, 1): F_L = F_R = (1 − β)·diag(4, 1), eigenvectors ±e1, ±e2 (descending), parameters unchanged.
        // G2 = [[1, 0], [0, −3]] is diagonal in that basis (signs cancel), so m = (1 − β1)G2, v = (1 − β2)G2² and
        // p ← p − lr·√(1 − β2)/(1 − β1)·(1 − β1)g/(√(1 − β2)|g| + ε) = p − lr·g/(|g| + ε/√(1 − β2)) on the diagonal,
        // 0/ε = 0 off it; then p ← p·(1 − lr·wd).
        double lr = 0.1;
        double wd = 0.5;
        double b1 = 0.9;
        double b2 = 0.75;
        double eps = 1e-3;
        double[] p = {1, 2, 3, 4};
        Parameter w = Parameter.of("w", p, 2, 2);
        EigenbasisOptimizer soap = Optimizers.soap(new SoapConfig(lr, new double[] {b1, b2}, -1, eps, wd, 10, 100,
                false, false, false, true, BasisChangePolicy.PERMUTE), List.of(w), JAVA);
        soap.step(new Gradients().put("w", new double[] {2, 0, 0, 1}));
        assertArrayEquals(new double[] {1, 2, 3, 4}, p, 0.0, "the first step leaves the parameters unchanged");
        soap.step(new Gradients().put("w", new double[] {1, 0, 0, -3}));
        double decay = 1 - lr * wd;
        double e = eps / Math.sqrt(1 - b2);
        double[] expected = {(1 - lr * 1 / (1 + e)) * decay, 2 * decay, 3 * decay, (4 + lr * 3 / (3 + e)) * decay};
        // The factors are diagonal, so the java eigh's bases are exactly ±e_i (TridiagonalQL reflects nothing in a
        // reduced column and its QL splits at every zero off-diagonal entry) and the rotations are exact. What remains
        // on either side is a chain of at most 12 roundings (moments, bias corrections, ε, the quotient, lr, the step
        // and the decay) of terms no larger than |p| + lr (p = i + 1 before the step), all of one sign but the step
        // p − lr·…, where |p| > lr: each side within γ_12·(|p| + lr) of the exact value, the two within twice that.
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], p[i], 2 * ErrorBounds.gamma(12, DType.F64) * (i + 1 + lr),
                    "entry " + i);
        }
    }

    @Test
    void mergeDimsFollowsTheReference() {
        assertArrayEquals(new int[] {6, 4}, TensorLayout.mergeDims(new int[] {2, 3, 4}, 6));
        assertArrayEquals(new int[] {24}, TensorLayout.mergeDims(new int[] {2, 3, 4}, 10000));
        assertArrayEquals(new int[] {20, 30}, TensorLayout.mergeDims(new int[] {20, 30}, 25));
        assertArrayEquals(new int[] {50, 6}, TensorLayout.mergeDims(new int[] {50, 2, 3}, 25));
        assertArrayEquals(new int[] {1}, TensorLayout.mergeDims(new int[] {1, 1}, 10));
    }

    /** The java backend with every eigenvector and refreshed basis column sign flipped in a fixed pattern. */
    private static Backend signFlipping() {
        Backend java = JAVA;
        EighKernel eigh = new EighKernel() {
            @Override
            public EighAlgorithm eigh(BatchedMatrix a, BatchedMatrix values, BatchedMatrix vectors, int[] info,
                                      EighAlgorithm algorithm, int maxIterations) {
                EighAlgorithm ran = java.eigh().eigh(a, values, vectors, info, algorithm, maxIterations);
                flip(vectors);
                return ran;
            }

            @Override
            public EighAlgorithm choose(int n, int batch, DType dtype, boolean vectors) {
                return java.eigh().choose(n, batch, dtype, vectors);
            }

            @Override
            public boolean supports(EighAlgorithm algorithm) {
                return java.eigh().supports(algorithm);
            }
        };
        RefreshKernel refresh = (a, q, steps, qOut, rayleigh, off) -> {
            java.refresh().refresh(a, q, steps, qOut, rayleigh, off);
            if (steps > 0) {
                flip(qOut);
            }
        };
        return new DelegatingBackend(java, eigh, refresh);
    }

    private static void flip(BatchedMatrix q) {
        for (int b = 0; b < q.batch(); b++) {
            for (int j = 0; j < q.cols(); j++) {
                if ((j + b) % 2 == 0) {
                    for (int i = 0; i < q.rows(); i++) {
                        q.set(b, i, j, -q.get(b, i, j));
                    }
                }
            }
        }
    }

    @Test
    void theSignOfABasisColumnDoesNotChangeTheUpdate() {
        Random rng = new Random(3);
        double[] a = Dense.random(rng, 15);
        double[] b = a.clone();
        List<Parameter> pa = List.of(Parameter.of("w", a, 5, 3));
        List<Parameter> pb = List.of(Parameter.of("w", b, 5, 3));
        Map<String, Object> cfg = Map.of("lr", 0.01, "precondition_frequency", 2);
        EigenbasisOptimizer plain = Optimizers.create("soap", cfg, pa, JAVA);
        EigenbasisOptimizer flipped = Optimizers.create("soap", cfg, pb, signFlipping());
        for (int t = 0; t < 12; t++) {
            double[] g = Dense.random(rng, 15);
            plain.step(new Gradients().put("w", g.clone()));
            flipped.step(new Gradients().put("w", g.clone()));
        }
        double moved = Dense.maxAbsDiff(a, Dense.random(new Random(3), 15));
        assertTrue(moved > 1e-3, "the parameters moved");
        // Exact: a flipped column negates exactly the entries it touches (negation is exact and round-to-nearest is
        // symmetric under it), so the rotated gradient and M change sign exactly where the flip says, V, the Rayleigh
        // quotients and the sort are the same numbers, and projecting back multiplies two negations: the same bits.
        assertEquals(0, Dense.maxAbsDiff(a, b), "flipped signs changed the trajectory by " + Dense.maxAbsDiff(a, b));
    }
}
