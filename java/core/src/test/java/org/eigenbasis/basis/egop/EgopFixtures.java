package org.eigenbasis.basis.egop;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Dense helpers for the EGOP tests: plain loops in double. */
final class EgopFixtures {
    private EgopFixtures() {
    }

    /** An N(center, s²I) sampler that records every draw, in order. */
    static final class RecordingSampler implements EgopSampler {
        private final EgopSampler inner;
        final List<double[]> draws = new ArrayList<>();

        RecordingSampler(double[] center, double scale) {
            inner = EgopSampler.gaussian(center, scale);
        }

        @Override
        public void sample(SplittableRandom random, double[] out) {
            inner.sample(random, out);
            draws.add(out.clone());
        }
    }

    /**
     * S = (1/M) Σ_j h_j h_jᵀ with h_j = |A||θ_j − θ*| over the recorded draws: the scale of the rounding error of an
     * EGOP estimate of the quadratic, entry by entry (each gradient entry is within γ_d·h of A(θ − θ*)).
     */
    static double[] absoluteOuterProductMean(double[] a, double[] optimum, List<double[]> draws) {
        int d = optimum.length;
        double[] s = new double[d * d];
        for (double[] theta : draws) {
            double[] h = new double[d];
            for (int i = 0; i < d; i++) {
                for (int k = 0; k < d; k++) {
                    h[i] += Math.abs(a[i * d + k]) * Math.abs(theta[k] - optimum[k]);
                }
            }
            for (int i = 0; i < d; i++) {
                for (int k = 0; k < d; k++) {
                    s[i * d + k] += h[i] * h[k] / draws.size();
                }
            }
        }
        return s;
    }

    static double[] matVec(double[] a, double[] x) {
        int n = x.length;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += a[i * n + j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }

    static double[] matMul(double[] a, double[] b, int n) {
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double aik = a[i * n + k];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += aik * b[k * n + j];
                }
            }
        }
        return c;
    }

    /** ∇f for f = ½(θ − θ*)ᵀA(θ − θ*): A(θ − θ*). */
    static EgopGradient quadratic(double[] a, double[] optimum) {
        return theta -> {
            double[] e = new double[theta.length];
            for (int i = 0; i < e.length; i++) {
                e[i] = theta[i] - optimum[i];
            }
            return matVec(a, e);
        };
    }

    static double norm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    static double frobeniusDistance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /** λ_i = scale · i^-alpha, i = 1..n. */
    static double[] powerLaw(int n, double scale, double alpha) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = scale * Math.pow(i + 1, -alpha);
        }
        return out;
    }
}
