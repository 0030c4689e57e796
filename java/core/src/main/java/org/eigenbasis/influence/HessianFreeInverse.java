package org.eigenbasis.influence;

import java.util.Objects;

/**
 * The exact Hessian's damped inverse without forming it: conjugate gradients on (H + δI) x = v, one batched
 * Hessian-vector product per iteration for all still-active right-hand sides. Stops a vector when
 * ‖(H + δI)x − v‖₂ ≤ {@code tolerance}·‖v‖₂ (the recursive residual).
 * CG needs H + δI positive definite along its directions: a direction with pᵀ(H + δI)p ≤ 0 fails with
 * {@link ArithmeticException} saying to raise δ or use the dense Hessian, whose pseudo-inverse drops such directions;
 * so does a vector still above tolerance after {@code maxIterations}. Cost per iteration: one product + O(kP).
 * The eigen floor of {@link Damping} does not apply (there is no eigenbasis); the extreme eigenvalues of the same
 * products come from {@link Lanczos#ritzValues}.
 */
public final class HessianFreeInverse implements InverseOperator {
    /** Default relative residual at which a vector stops. */
    public static final double DEFAULT_TOLERANCE = 1e-10;

    private final HessianProducts products;
    private final int dimension;
    private final double tolerance;
    private final int maxIterations;

    /**
     * @param tolerance     relative residual in (0, 1)
     * @param maxIterations ≥ 1 (P is enough in exact arithmetic; rounding may need a few more)
     */
    public HessianFreeInverse(HessianProducts products, int dimension, double tolerance, int maxIterations) {
        this.products = Objects.requireNonNull(products, "products");
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension: " + dimension + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("tolerance: " + tolerance + " is outside (0, 1)");
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations: " + maxIterations + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        this.dimension = dimension;
        this.tolerance = tolerance;
        this.maxIterations = maxIterations;
    }

    /** With {@link #DEFAULT_TOLERANCE} and 2P + 20 iterations at most. */
    public HessianFreeInverse(HessianProducts products, int dimension) {
        this(products, dimension, DEFAULT_TOLERANCE, 2 * dimension + 20);
    }

    @Override
    public CurvatureKind kind() {
        return CurvatureKind.HESSIAN;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    public double tolerance() {
        return tolerance;
    }

    @Override
    public double[] applyInverse(double[] v, int k, Damping damping) {
        Checks.rows("v", v, k, dimension);
        Objects.requireNonNull(damping, "damping");
        int p = dimension;
        double delta = damping.delta();
        double[] x = new double[k * p];
        double[] r = v.clone();
        double[] dir = v.clone();
        double[] rr = new double[k];
        double[] stop = new double[k];
        boolean[] active = new boolean[k];
        int activeCount = 0;
        for (int j = 0; j < k; j++) {
            rr[j] = dot(r, j, r, j, p);
            stop[j] = tolerance * tolerance * rr[j];
            active[j] = rr[j] > 0;
            activeCount += active[j] ? 1 : 0;
        }
        for (int it = 0; it < maxIterations && activeCount > 0; it++) {
            int[] ids = new int[activeCount];
            double[] block = new double[activeCount * p];
            for (int j = 0, a = 0; j < k; j++) {
                if (active[j]) {
                    ids[a] = j;
                    System.arraycopy(dir, j * p, block, a * p, p);
                    a++;
                }
            }
            double[] hp = products.apply(block, activeCount);
            for (int a = 0; a < activeCount; a++) {
                int j = ids[a];
                for (int i = 0; i < p; i++) {
                    hp[a * p + i] += delta * block[a * p + i];
                }
                double curvature = dot(block, a, hp, a, p);
                if (!(curvature > 0)) {
                    throw new ArithmeticException("conjugate gradients: H + " + delta + " I is not positive definite "
                            + "along a search direction of vector " + j + " (p'Ap = " + curvature + "); raise the "
                            + "damping or use the dense Hessian, whose pseudo-inverse drops such directions");
                }
                double alpha = rr[j] / curvature;
                for (int i = 0; i < p; i++) {
                    x[j * p + i] += alpha * dir[j * p + i];
                    r[j * p + i] -= alpha * hp[a * p + i];
                }
                double next = dot(r, j, r, j, p);
                double beta = next / rr[j];
                rr[j] = next;
                if (next <= stop[j]) {
                    active[j] = false;
                    activeCount--;
                    continue;
                }
                for (int i = 0; i < p; i++) {
                    dir[j * p + i] = r[j * p + i] + beta * dir[j * p + i];
                }
            }
        }
        if (activeCount > 0) {
            throw new ArithmeticException("conjugate gradients: " + activeCount + " of " + k + " vectors still above "
                    + "the relative residual " + tolerance + " after " + maxIterations + " iterations");
        }
        return x;
    }

    private static double dot(double[] a, int ra, double[] b, int rb, int p) {
        double s = 0;
        for (int i = 0; i < p; i++) {
            s += a[ra * p + i] * b[rb * p + i];
        }
        return s;
    }
}
