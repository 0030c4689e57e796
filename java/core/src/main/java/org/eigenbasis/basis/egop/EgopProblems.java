package org.eigenbasis.basis.egop;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.eigenbasis.spi.Backend;

/**
 * Seeded test problems of issue 13, point 3 (DePavia, Charisopoulos, Willett's experiments): every draw comes from one
 * {@link SplittableRandom} seeded with {@code seed}, in the order stated, so a (d, …, seed) triple fixes the problem.
 */
public final class EgopProblems {
    private EgopProblems() {
    }

    /**
     * A random rotation R ∈ O(d): the Q factor of a d × d matrix of independent standard normals (drawn row by row),
     * by modified Gram–Schmidt on the columns, applied twice for orthogonality to rounding; the signs are fixed so
     * that the triangular factor has a positive diagonal (so R is Haar distributed). Row-major. Cost about 4d³.
     */
    public static double[] randomRotation(int d, SplittableRandom random) {
        requirePositive("d", d);
        double[] q = new double[d * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = random.nextGaussian();
        }
        for (int c = 0; c < d; c++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < c; p++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += q[i * d + p] * q[i * d + c];
                    }
                    for (int i = 0; i < d; i++) {
                        q[i * d + c] -= dot * q[i * d + p];
                    }
                }
                double norm = 0;
                for (int i = 0; i < d; i++) {
                    norm += q[i * d + c] * q[i * d + c];
                }
                norm = Math.sqrt(norm);
                if (!(norm > 0)) {
                    throw new IllegalStateException("randomRotation: column " + c + " is dependent (probability 0)");
                }
                for (int i = 0; i < d; i++) {
                    q[i * d + c] /= norm;
                }
            }
            // Gram–Schmidt divides by a positive norm, so the triangular factor's diagonal is positive: signs fixed.
        }
        return q;
    }

    /**
     * A = R diag(λ) Rᵀ with λ_i = i^-α (i = 1..d) and R = {@link #randomRotation}, row-major, exactly symmetric
     * (the lower triangle is mirrored).
     */
    public static double[] rotatedPowerLawMatrix(int d, double alpha, SplittableRandom random) {
        requirePositive("d", d);
        requireFinite("alpha", alpha);
        double[] r = randomRotation(d, random);
        double[] lambda = new double[d];
        for (int k = 0; k < d; k++) {
            lambda[k] = Math.pow(k + 1, -alpha);
        }
        double[] a = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += r[i * d + k] * lambda[k] * r[j * d + k];
                }
                a[i * d + j] = s;
                a[j * d + i] = s;
            }
        }
        return a;
    }

    /**
     * f(θ) = ½(θ − θ*)ᵀA(θ − θ*), ∇f = A(θ − θ*), with A = {@link #rotatedPowerLawMatrix}(d, α) (eigenvalues i^-α,
     * condition number d^α), then θ* with independent N(0, 1) entries; θ₀ = 0, f* = 0. Draws: R, then θ*.
     *
     * @throws IllegalArgumentException when d &lt; 1 or α is not finite
     */
    public static EgopProblem rotatedQuadratic(int d, double alpha, long seed) {
        double[][] parts = rotatedQuadraticParts(d, alpha, seed);
        double[] a = parts[0];
        double[] optimum = parts[1];
        EgopGradient gradient = theta -> {
            requireLength(theta, d);
            double[] e = new double[d];
            for (int i = 0; i < d; i++) {
                e[i] = theta[i] - optimum[i];
            }
            double[] g = new double[d];
            for (int i = 0; i < d; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += a[i * d + j] * e[j];
                }
                g[i] = s;
            }
            return g;
        };
        return new EgopProblem("quadratic(d=" + d + ", alpha=" + alpha + ", seed=" + seed + ")", theta -> {
            double[] g = gradient.at(theta);
            double s = 0;
            for (int i = 0; i < d; i++) {
                s += (theta[i] - optimum[i]) * g[i];
            }
            return 0.5 * s;
        }, gradient, new double[d], 0.0);
    }

    /**
     * The batched gradient of {@link #rotatedQuadratic}(d, α, seed) (the same draws, so the same A and θ*) on
     * {@code backend}: a block of k points costs one k × d × d GEMM there ({@link EgopQuadraticGradient}). Close it
     * to free its copy of A.
     *
     * @throws IllegalArgumentException when d &lt; 1 or α is not finite
     */
    public static EgopQuadraticGradient rotatedQuadraticGradient(Backend backend, int d, double alpha, long seed) {
        Objects.requireNonNull(backend, "backend");
        double[][] parts = rotatedQuadraticParts(d, alpha, seed);
        return EgopQuadraticGradient.on(backend, parts[0], parts[1]);
    }

    /** {A, θ*} of the rotated quadratic, drawn in the order {@link #rotatedQuadratic} states. */
    private static double[][] rotatedQuadraticParts(int d, double alpha, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] a = rotatedPowerLawMatrix(d, alpha, random);
        double[] optimum = new double[d];
        for (int i = 0; i < d; i++) {
            optimum[i] = random.nextGaussian();
        }
        return new double[][] {a, optimum};
    }

    /**
     * f(θ) = log Σ_{j=1..n} exp(a_jᵀθ − b_j), ∇f = Σ_j p_j a_j with p = softmax(Aθ − b), computed with the maximum
     * shifted out (no overflow). a_j = R diag(i^-3/4) z_j with z_j ∼ N(0, I), so the a_j have covariance
     * R diag(i^-1.5) Rᵀ (R = {@link #randomRotation}); b_j ∼ N(0, 1); θ₀ = 0. f* is computed at construction by
     * damped Newton (see the private {@code newtonMinimum}; NaN when the Hessian is not positive definite: f is bounded
     * below when 0 lies in the interior of the convex hull of the a_j, which holds with high probability for
     * n ≫ d). Draws: R, then the z_j row by row, then b. Cost per call 2nd; construction about 15·n·d².
     *
     * @throws IllegalArgumentException when d &lt; 1 or n &lt; 1
     */
    public static EgopProblem logSumExp(int d, int n, long seed) {
        requirePositive("d", d);
        requirePositive("n", n);
        SplittableRandom random = new SplittableRandom(seed);
        double[] r = randomRotation(d, random);
        double[] rows = new double[n * d];
        double[] z = new double[d];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < d; k++) {
                z[k] = Math.pow(k + 1, -0.75) * random.nextGaussian();
            }
            for (int i = 0; i < d; i++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += r[i * d + k] * z[k];
                }
                rows[j * d + i] = s;
            }
        }
        double[] b = new double[n];
        for (int j = 0; j < n; j++) {
            b[j] = random.nextGaussian();
        }
        EgopGradient gradient = theta -> {
            double[] p = softmax(rows, b, theta, n, d, null);
            double[] g = new double[d];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < d; i++) {
                    g[i] += p[j] * rows[j * d + i];
                }
            }
            return g;
        };
        ToDoubleFunction<double[]> loss = theta -> {
            double[] value = new double[1];
            softmax(rows, b, theta, n, d, value);
            return value[0];
        };
        return new EgopProblem("logsumexp(d=" + d + ", n=" + n + ", seed=" + seed + ")", loss, gradient,
                new double[d], newtonMinimum(rows, b, n, d, loss, gradient));
    }

    /**
     * f* of log-sum-exp by damped Newton from θ = 0: H = Σ_j p_j a_j a_jᵀ − ḡḡᵀ (ḡ = ∇f), step −H⁻¹ḡ by Cholesky,
     * Armijo backtracking (halving, c = 1e-4); stops when the Newton decrement ḡᵀH⁻¹ḡ/2 ≤ 1e-15·max(1, |f|) (f is then
     * within about that of f*, Boyd and Vandenberghe 9.5.1) or after 100 iterations. NaN when H is not positive
     * definite (f unbounded below or too flat to certify). Cost per iteration n·d² + d³/3.
     */
    private static double newtonMinimum(double[] rows, double[] b, int n, int d, ToDoubleFunction<double[]> loss,
                                        EgopGradient gradient) {
        double[] theta = new double[d];
        double f = loss.applyAsDouble(theta);
        for (int iteration = 0; iteration < 100; iteration++) {
            double[] p = softmax(rows, b, theta, n, d, null);
            double[] g = gradient.at(theta);
            double[] h = new double[d * d];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < d; i++) {
                    double w = p[j] * rows[j * d + i];
                    for (int k = 0; k <= i; k++) {
                        h[i * d + k] += w * rows[j * d + k];
                    }
                }
            }
            for (int i = 0; i < d; i++) {
                for (int k = 0; k <= i; k++) {
                    h[i * d + k] -= g[i] * g[k];
                }
            }
            double[] step = choleskySolve(h, g, d);
            if (step == null) {
                return Double.NaN;
            }
            double decrement = 0;
            for (int i = 0; i < d; i++) {
                decrement += g[i] * step[i];
            }
            if (decrement / 2 <= 1e-15 * Math.max(1, Math.abs(f))) {
                return f;
            }
            double t = 1;
            double[] next = new double[d];
            double fNext;
            while (true) {
                for (int i = 0; i < d; i++) {
                    next[i] = theta[i] - t * step[i];
                }
                fNext = loss.applyAsDouble(next);
                if (fNext <= f - 1e-4 * t * decrement || t < 1e-20) {
                    break;
                }
                t /= 2;
            }
            if (!(fNext < f)) {
                return f;
            }
            theta = next;
            f = fNext;
        }
        return f;
    }

    /** Solves Hx = g with H's lower triangle (row-major, d × d) by Cholesky; null when H is not positive definite. */
    private static double[] choleskySolve(double[] h, double[] g, int d) {
        double[] l = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k <= i; k++) {
                double s = h[i * d + k];
                for (int m = 0; m < k; m++) {
                    s -= l[i * d + m] * l[k * d + m];
                }
                if (i == k) {
                    if (!(s > 0)) {
                        return null;
                    }
                    l[i * d + i] = Math.sqrt(s);
                } else {
                    l[i * d + k] = s / l[k * d + k];
                }
            }
        }
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            double s = g[i];
            for (int m = 0; m < i; m++) {
                s -= l[i * d + m] * y[m];
            }
            y[i] = s / l[i * d + i];
        }
        double[] x = new double[d];
        for (int i = d - 1; i >= 0; i--) {
            double s = y[i];
            for (int m = i + 1; m < d; m++) {
                s -= l[m * d + i] * x[m];
            }
            x[i] = s / l[i * d + i];
        }
        return x;
    }

    /** softmax(Aθ − b); when {@code logSumExp} is given, its entry 0 receives log Σ exp(Aθ − b). */
    private static double[] softmax(double[] rows, double[] b, double[] theta, int n, int d, double[] logSumExp) {
        requireLength(theta, d);
        double[] s = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            double t = -b[j];
            for (int i = 0; i < d; i++) {
                t += rows[j * d + i] * theta[i];
            }
            s[j] = t;
            max = Math.max(max, t);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
        }
        for (int j = 0; j < n; j++) {
            s[j] /= sum;
        }
        if (logSumExp != null) {
            logSumExp[0] = max + Math.log(sum);
        }
        return s;
    }

    private static void requireLength(double[] theta, int d) {
        if (theta.length != d) {
            throw new IllegalArgumentException("theta: length " + theta.length + " does not match the dimension " + d);
        }
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " is outside [1, ∞)");
        }
    }

    private static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + ": " + value + " is not finite");
        }
    }
}
