package org.eigenbasis.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetFilter;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.Placement;

/**
 * One synthetic data set of the {@link ResetExperiment} model, drawn from a seed, and its thin SVD (from the n × n
 * Gram matrix, java backend), with the population risk as a quadratic form in the coefficients of θ̂.
 */
final class ResetExperimentDataset {
    final double[][] x;
    final double[] y;
    final double[] theta;
    final double[] sigma;         // population eigenvalues s_i
    final double[] nu;            // nonzero eigenvalues of XᵀX (= of XXᵀ), length r
    final double[][] v;           // r right singular vectors, each length d
    final double[] c;             // u_jᵀy / √ν_j
    final double[][] riskMatrix;  // A = Vᵀ Σ V  (r × r)
    final double[] riskVector;    // b = Vᵀ Σ θ
    final double riskOfZero;      // θᵀ Σ θ

    ResetExperimentDataset(ResetExperiment.Settings settings, long seed) {
        int d = settings.d();
        int n = settings.n();
        SplittableRandom rng = new SplittableRandom(seed);
        sigma = new double[d];
        theta = new double[d];
        for (int i = 0; i < d; i++) {
            sigma[i] = 1.0 / ((i + 1.0) * (i + 1.0));
            theta[i] = rng.nextGaussian();
        }
        x = new double[n][d];
        y = new double[n];
        for (int r = 0; r < n; r++) {
            double dot = 0;
            for (int i = 0; i < d; i++) {
                x[r][i] = Math.sqrt(sigma[i]) * rng.nextGaussian();
                dot += x[r][i] * theta[i];
            }
            y[r] = dot + settings.noise() * rng.nextGaussian();
        }
        double[] gram = new double[n * n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b <= a; b++) {
                double s = 0;
                for (int i = 0; i < d; i++) {
                    s += x[a][i] * x[b][i];
                }
                gram[a * n + b] = s;
                gram[b * n + a] = s;
            }
        }
        double[] w;
        double[][] u;
        try (BatchedMatrix g = BatchedMatrix.of(gram, 1, n, n);
                EighResult e = SymmetricEigen.on("java").decompose(g,
                        EighOptions.defaults().withVectors(true).withOutputPlacement(Placement.HEAP))) {
            w = e.valuesOf(0);
            u = e.vectorsOf(0);
        }
        double top = w[n - 1];
        List<Integer> kept = new ArrayList<>();
        for (int j = n - 1; j >= 0; j--) {
            if (w[j] > top * 1e-12) {
                kept.add(j);
            }
        }
        int r = kept.size();
        nu = new double[r];
        v = new double[r][d];
        c = new double[r];
        for (int k = 0; k < r; k++) {
            int j = kept.get(k);
            nu[k] = w[j];
            double root = Math.sqrt(w[j]);
            double uy = 0;
            for (int a = 0; a < n; a++) {
                uy += u[a][j] * y[a];
                for (int i = 0; i < d; i++) {
                    v[k][i] += u[a][j] * x[a][i];
                }
            }
            for (int i = 0; i < d; i++) {
                v[k][i] /= root;
            }
            c[k] = uy / root;
        }
        riskMatrix = new double[r][r];
        riskVector = new double[r];
        double zero = 0;
        for (int i = 0; i < d; i++) {
            zero += sigma[i] * theta[i] * theta[i];
        }
        riskOfZero = zero;
        for (int a = 0; a < r; a++) {
            double bv = 0;
            for (int i = 0; i < d; i++) {
                bv += v[a][i] * sigma[i] * theta[i];
            }
            riskVector[a] = bv;
            for (int b = 0; b <= a; b++) {
                double s = 0;
                for (int i = 0; i < d; i++) {
                    s += v[a][i] * sigma[i] * v[b][i];
                }
                riskMatrix[a][b] = s;
                riskMatrix[b][a] = s;
            }
        }
    }

    /** The coefficients w_j = h(ν_j)·c_j of θ̂ = Σ_j w_j v_j. */
    double[] coefficients(double[] h) {
        double[] w = new double[nu.length];
        for (int j = 0; j < nu.length; j++) {
            w[j] = h[j] * c[j];
        }
        return w;
    }

    /** R(θ̂) = wᵀAw − 2wᵀb + θᵀΣθ, clamped at 0 against rounding. */
    double risk(double[] h) {
        double[] w = coefficients(h);
        double quad = 0;
        double lin = 0;
        for (int a = 0; a < w.length; a++) {
            double row = 0;
            for (int b = 0; b < w.length; b++) {
                row += riskMatrix[a][b] * w[b];
            }
            quad += w[a] * row;
            lin += w[a] * riskVector[a];
        }
        return Math.max(0, quad - 2 * lin + riskOfZero);
    }

    /** θ̂ = Σ_j h(ν_j) c_j v_j, length d. */
    double[] estimate(double[] h) {
        double[] w = coefficients(h);
        double[] out = new double[theta.length];
        for (int j = 0; j < w.length; j++) {
            for (int i = 0; i < out.length; i++) {
                out[i] += w[j] * v[j][i];
            }
        }
        return out;
    }

    /** h at the eigenvalues for a renewal law. */
    double[] filter(RenewalLaw law) {
        ResetFilter f = ResetFilter.of(law);
        double[] h = new double[nu.length];
        for (int j = 0; j < nu.length; j++) {
            h[j] = f.apply(nu[j]);
        }
        return h;
    }

    /** h at the eigenvalues for ridge with penalty λ. */
    double[] ridge(double lambda) {
        double[] h = new double[nu.length];
        for (int j = 0; j < nu.length; j++) {
            h[j] = nu[j] / (nu[j] + lambda);
        }
        return h;
    }
}
