package org.eigenbasis.basis;

import java.util.Objects;
import org.eigenbasis.internal.ModelMath;

/**
 * Least squares on a data matrix X (n × d, rows are examples) and targets y: L(θ) = ‖Xθ − y‖² / (2n),
 * ∇L = Xᵀ(Xθ − y)/n, Hessian = Gauss–Newton matrix = XᵀX/n ({@link GaussNewton#linearRegression}). Holds copies.
 * Sums run in double in index order on the JVM (O(nd) per call).
 */
public final class LinearRegression {
    private final double[][] x;
    private final double[] y;
    private final int d;

    public LinearRegression(double[][] x, double[] y) {
        this.d = Models.requireData(x);
        Objects.requireNonNull(y, "y");
        if (y.length != x.length) {
            throw new IllegalArgumentException("y: length " + y.length + " does not match the " + x.length + " rows of x");
        }
        Models.requireFinite("y", y);
        this.x = ModelMath.copy(x);
        this.y = y.clone();
    }

    public int dimension() {
        return d;
    }

    /** A copy of X. */
    public double[][] data() {
        return ModelMath.copy(x);
    }

    /** ‖Xθ − y‖² / (2n). */
    public double loss(double[] theta) {
        Models.requireLength("theta", theta, d);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double r = ModelMath.dot(x[i], theta) - y[i];
            s += r * r;
        }
        return s / (2.0 * x.length);
    }

    /** Xᵀ(Xθ − y) / n. */
    public double[] gradient(double[] theta) {
        Models.requireLength("theta", theta, d);
        double[] g = new double[d];
        for (int i = 0; i < x.length; i++) {
            double r = ModelMath.dot(x[i], theta) - y[i];
            for (int j = 0; j < d; j++) {
                g[j] += x[i][j] * r;
            }
        }
        for (int j = 0; j < d; j++) {
            g[j] /= x.length;
        }
        return g;
    }
}
