package org.eigenbasis.basis.egop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.eigenbasis.influence.DigitsInfluence;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.api.Test;

/**
 * The estimator's theory-exact claims on f = ½θᵀAθ with ρ = N(0, I). Then g = Az and Ê = A W A with
 * W = (1/M) Σ z_j z_jᵀ, so by Ostrowski's theorem λ_i(Ê) = ϑ_i λ_i(A²) with ϑ_i ∈ [λ_min(W), λ_max(W)], and by
 * Davidson and Szarek (2001), with probability at least 1 − 2exp(−t²/2), √λ(W) ∈ [1 − ε, 1 + ε] with
 * ε = √(d/M) + t/√M. The tolerances below follow from these with t = 5 (failure probability below 1e-5).
 */
class EgopQuadraticCheckTest {
    private static final Backend JAVA = Backends.select("java");
    private static final double U = Math.ulp(1.0);
    private static final double T = 5;

    private static double epsilon(int d, int m) {
        return Math.sqrt((double) d / m) + T / Math.sqrt(m);
    }

    @Test
    void decayExponentStableRankAndErrorAreWithinTheirDerivedBounds() {
        int d = 100;
        double alpha = 1;
        int m = 20000;
        EgopQuadraticCheck check = EgopQuadraticCheck.run(d, alpha, m, 7, JAVA);
        double eps = epsilon(d, m);
        // Every log λ̂_i is log λ_i + log ϑ_i with log ϑ_i in an interval of half-width h around its centre; the OLS
        // slope moves by Σ_i (x_i − x̄) log ϑ_i / Sxx, at most h·Σ|x_i − x̄|/Sxx (Σ(x_i − x̄) = 0 removes the centre).
        double h = Math.log((1 + eps) / (1 - eps));
        double mean = 0;
        for (int i = 1; i <= d; i++) {
            mean += Math.log(i) / d;
        }
        double absolute = 0;
        double sxx = 0;
        for (int i = 1; i <= d; i++) {
            absolute += Math.abs(Math.log(i) - mean);
            sxx += (Math.log(i) - mean) * (Math.log(i) - mean);
        }
        double slopeBound = h * absolute / sxx;
        // The fit uses all d eigenvalues: λ_d/λ_1 = d^-2 = 1e-4 times at most ((1 + ε)/(1 − ε))² stays above 1e-6.
        assertEquals(2 * alpha, check.decayExponent(), slopeBound, "decay exponent against 2α, bound " + slopeBound);
        double ratio = Math.pow((1 + eps) / (1 - eps), 2);
        assertTrue(check.stableRank() >= check.exactStableRank() / ratio
                && check.stableRank() <= check.exactStableRank() * ratio,
                "stable rank " + check.stableRank() + " against " + check.exactStableRank());
        // E‖Ê − Σ‖_F² = ((tr Σ)² + tr Σ²)/M for g ∼ N(0, Σ), Σ = A²; 5 standard deviations (Markov: ≥ 0.96).
        double trace = 0;
        double squares = 0;
        for (int i = 1; i <= d; i++) {
            trace += Math.pow(i, -2 * alpha);
            squares += Math.pow(i, -4 * alpha);
        }
        double relativeBound = 5 * Math.sqrt((trace * trace + squares) / m) / Math.sqrt(squares);
        assertTrue(check.relativeError() <= relativeBound, check.relativeError() + " > " + relativeBound);
        assertEquals(10, check.principalAngles());
        assertTrue(check.principalAngleMax() >= 0 && check.principalAngleMax() <= Math.PI / 2);
    }

    @Test
    void leadingEigenvectorsConvergeOnAGappedSpectrum() {
        // A = R diag(a) Rᵀ with a_i = 1 for i ≤ k and 0.1 after: A² has the gap 1 − 0.01 between λ_k and λ_k+1.
        // ‖Ê − A²‖₂ = ‖A(W − I)A‖₂ ≤ ‖W − I‖₂ ≤ (1 + ε)² − 1, and sin θ_max ≤ 2‖Ê − A²‖₂ / gap (Yu, Wang and
        // Samworth 2015, the Davis–Kahan variant with the population gap).
        int d = 40;
        int k = 10;
        int m = 40000;
        double[] r = EgopProblems.randomRotation(d, new SplittableRandom(4));
        double[] a = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    s += r[i * d + c] * (c < k ? 1 : 0.1) * r[j * d + c];
                }
                a[i * d + j] = s;
            }
        }
        EgopResult estimate = EgopEstimator.on(JAVA, EgopConfig.defaults().withSamples(m).withSeed(8))
                .estimate(theta -> EgopFixtures.matVec(a, theta), new double[d]);
        double eps = epsilon(d, m);
        double bound = Math.asin(Math.min(1, 2 * ((1 + eps) * (1 + eps) - 1) / (1 - 0.01)));
        double angle = PrincipalAngles.largest(estimate.vectors(), d, r, d, d, k, JAVA);
        assertTrue(angle <= bound, "θ_max = " + angle + " > " + bound);
        // Against the complement of the top-k space the angle is a right angle: the estimator did separate them.
        double[] rest = new double[d * k];
        for (int i = 0; i < d; i++) {
            System.arraycopy(r, i * d + k, rest, i * k, k);
        }
        assertTrue(PrincipalAngles.largest(estimate.vectors(), d, rest, k, d, k, JAVA) >= Math.PI / 2 - bound);
    }

    @Test
    void principalAnglesAreExactOnAKnownPair() {
        // span(e1, e2) against span(cos φ e1 + sin φ e3, e2), both turned by one random rotation Q: θ_max = φ.
        int d = 6;
        double[] q = EgopProblems.randomRotation(d, new SplittableRandom(2));
        for (double phi : new double[] {0, 1e-9, 0.3, 1.2, Math.PI / 2}) {
            double[] u = new double[d * 2];
            double[] w = new double[d * 2];
            for (int i = 0; i < d; i++) {
                u[i * 2] = q[i * d];
                u[i * 2 + 1] = q[i * d + 1];
                w[i * 2] = Math.cos(phi) * q[i * d] + Math.sin(phi) * q[i * d + 2];
                w[i * 2 + 1] = q[i * d + 1];
            }
            // Rounding of Q and of the products: a few d·u in sin θ and cos θ, so in θ (atan2 is 1-Lipschitz here).
            assertEquals(phi, PrincipalAngles.largest(u, 2, w, 2, d, 2, JAVA), 64 * d * U, "φ = " + phi);
        }
        assertThrows(IllegalArgumentException.class, () -> PrincipalAngles.largest(new double[4], 2, new double[4], 2,
                2, 3, JAVA));
    }

    @Test
    void badInputIsRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EgopQuadraticCheck.run(0, 1, 10, 0, JAVA))
                .getMessage().startsWith("dim: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EgopQuadraticCheck.run(5, 1, 0, 0, JAVA))
                .getMessage().startsWith("samples: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EgopQuadraticCheck.run(5, 0, 10, 0, JAVA))
                .getMessage().startsWith("alpha: "));
    }

    @Test
    void digitsProblemsAreWiredToTheStandardisedTrainingSet() {
        EgopProblem logreg = EgopDigitsProblems.logisticRegression();
        assertEquals(650, logreg.dimension());
        assertArrayEquals(new int[] {650}, logreg.blocks());
        int[] labels = DigitsInfluence.split().train().labels();
        int n = labels.length;
        // The mean of n equal terms log 10 (each a log-sum-exp of equal logits): n·u·log 10 of summation rounding.
        assertEquals(Math.log(10), logreg.loss().applyAsDouble(logreg.initial()), n * U * Math.log(10));
        // At θ = 0 every softmax is uniform: ∂f/∂b_c = 0.1 − (share of class c in the training set), and
        // ∂f/∂W_cj = mean_i (0.1 − [y_i = c]) x_ij.
        double[] x = DigitsInfluence.split().train().x();
        double[] g = logreg.gradient().at(logreg.initial());
        double largest = 0;
        for (int i = 0; i < n; i++) {
            largest = Math.max(largest, Math.abs(x[i * 64 + 20]));
        }
        for (int c = 0; c < 10; c++) {
            double share = 0;
            double w0 = 0;
            for (int i = 0; i < n; i++) {
                double residual = 0.1 - (labels[i] == c ? 1 : 0);
                share += labels[i] == c ? 1.0 / n : 0;
                w0 += residual * x[i * 64 + 20] / n;
            }
            assertEquals(0.1 - share, g[640 + c], 4 * n * U, "bias " + c);
            // Two sums of n terms of size at most max|x_i,20| in different orders: n·u·max each.
            assertEquals(w0, g[c * 64 + 20], 2 * n * U * largest, "weight (" + c + ", 20)");
        }
        EgopProblem mlp = EgopDigitsProblems.mlp(0);
        assertEquals(64 * 32 + 32 + 32 * 10 + 10, mlp.dimension());
        assertArrayEquals(new int[] {64 * 32 + 32, 32 * 10 + 10}, mlp.blocks());
        assertTrue(Double.isNaN(mlp.minimumLoss()));
    }
}
