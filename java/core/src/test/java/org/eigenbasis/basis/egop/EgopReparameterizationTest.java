package org.eigenbasis.basis.egop;

import static org.eigenbasis.basis.egop.EgopFixtures.matVec;
import static org.eigenbasis.basis.egop.EgopFixtures.norm;
import static org.eigenbasis.basis.egop.EgopFixtures.quadratic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;

/**
 * Gradient descent is rotation-equivariant: with θ = Vθ~ and ∇f~(θ~) = Vᵀ∇f(Vθ~), one step
 * θ~' = θ~ − η Vᵀ∇f(Vθ~) maps to Vθ~' = θ − η VVᵀ∇f(θ) = θ − η∇f(θ) because VVᵀ = I (V orthogonal); so the two
 * trajectories agree up to the rounding of two d-term products per step (≈ d·u each), far below 1e-12 relative
 * for d = 30 and a contracting iteration. A coordinate-wise method (sign descent here) is not equivariant, which
 * shows the check is not vacuous.
 */
class EgopReparameterizationTest {
    @Test
    void gradientDescentTrajectoryIsTheSameWithAndWithoutTheReparameterization() {
        int d = 30;
        Random rng = new Random(17);
        double[] a = SeededMatrices.withSpectrum(SeededMatrices.geometric(d, 1e-2, 1), rng);
        double[] optimum = new double[d];
        double[] theta = new double[d];
        for (int i = 0; i < d; i++) {
            optimum[i] = rng.nextGaussian();
            theta[i] = rng.nextGaussian();
        }
        EgopGradient f = quadratic(a, optimum);
        EgopResult egop = EgopEstimator.on(Backends.select("java"), EgopConfig.defaults().withSamples(200))
                .estimate(f, theta);
        EgopReparameterization rep = EgopReparameterization.of(egop);
        EgopGradient rotated = rep.rotated(f);
        double[] rotatedTheta = rep.toRotated(theta);
        double lr = 1.0;
        double worst = 0;
        for (int step = 0; step < 200; step++) {
            double[] g = f.at(theta);
            double[] gr = rotated.at(rotatedTheta);
            for (int i = 0; i < d; i++) {
                theta[i] -= lr * g[i];
                rotatedTheta[i] -= lr * gr[i];
            }
            double[] back = rep.toOriginal(rotatedTheta);
            double diff = 0;
            for (int i = 0; i < d; i++) {
                diff = Math.max(diff, Math.abs(back[i] - theta[i]));
            }
            worst = Math.max(worst, diff / Math.max(norm(theta), Double.MIN_NORMAL));
        }
        assertTrue(worst <= 1e-12, "GD trajectories differ by " + worst + " relative");

        double[] signTheta = new double[d];
        double[] signRotated = rep.toRotated(signTheta);
        for (int step = 0; step < 5; step++) {
            double[] g = f.at(signTheta);
            double[] gr = rotated.at(signRotated);
            for (int i = 0; i < d; i++) {
                signTheta[i] -= 0.01 * Math.signum(g[i]);
                signRotated[i] -= 0.01 * Math.signum(gr[i]);
            }
        }
        double[] back = rep.toOriginal(signRotated);
        double diff = 0;
        for (int i = 0; i < d; i++) {
            diff = Math.max(diff, Math.abs(back[i] - signTheta[i]));
        }
        assertTrue(diff > 1e-3, "sign descent is basis-dependent");
    }

    @Test
    void rotatedGradientIsTheChainRule() {
        int d = 6;
        Random rng = new Random(2);
        double[] a = SeededMatrices.randomSymmetric(d, rng);
        double[] v = SeededMatrices.randomOrthogonal(d, rng);
        EgopReparameterization rep = EgopReparameterization.of(v, d);
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            x[i] = rng.nextGaussian();
        }
        assertArrayEquals(x, rep.toOriginal(rep.toRotated(x)), 1e-14);
        // ∇f~(θ~) = VᵀAVθ~ for f = ½θᵀAθ
        double[] expected = new double[d];
        double[] vx = matVec(v, x);
        double[] avx = matVec(a, vx);
        for (int c = 0; c < d; c++) {
            for (int i = 0; i < d; i++) {
                expected[c] += v[i * d + c] * avx[i];
            }
        }
        assertArrayEquals(expected, rep.rotated(quadratic(a, new double[d])).at(x), 1e-13);
        EgopStochasticGradient noisy = (t, seed) -> matVec(a, t);
        assertArrayEquals(expected, rep.rotated(noisy).at(x, 4L), 1e-13);
    }

    @Test
    void badBasisIsRefused() {
        int d = 3;
        double[] v = SeededMatrices.randomOrthogonal(d, new Random(1));
        v[0] += 1e-8;
        assertThrows(IllegalArgumentException.class, () -> EgopReparameterization.of(v, d));
        assertThrows(IllegalArgumentException.class, () -> EgopReparameterization.of(new double[8], d));
        assertThrows(IllegalArgumentException.class, () -> EgopReparameterization.of(new double[0], 0));
        double[] nan = SeededMatrices.identity(d);
        nan[4] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> EgopReparameterization.of(nan, d));
        EgopReparameterization rep = EgopReparameterization.of(SeededMatrices.identity(d), d);
        assertThrows(IllegalArgumentException.class, () -> rep.toRotated(new double[2]));
        assertThrows(IllegalArgumentException.class, () -> rep.rotated((EgopGradient) t -> new double[2]).at(new double[d]));
    }
}
