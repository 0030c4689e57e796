package org.eigenbasis.basis;

import java.util.Objects;
import org.eigenbasis.internal.ModelMath;

/**
 * Binary logistic regression on a data matrix X (n × d) and labels y_i ∈ {0, 1}, no intercept (append a column
 * of ones for one): with z_i = x_iᵀθ and s = σ(z),
 * <pre>
 *   L(θ) = (1/n) Σ_i [log(1 + e^{z_i}) − y_i z_i],   ∇L = Xᵀ(s − y)/n,   G = Xᵀ diag(s(1 − s)) X / n
 * </pre>
 * (G is also the Hessian: the Gauss–Newton matrix of the logistic loss is exact). log(1 + eᶻ) is evaluated as
 * max(z, 0) + log1p(e^{−|z|}), finite for every finite z. Holds copies; sums in index order on the JVM.
 */
public final class LogisticRegression {
    private final double[][] x;
    private final double[] y;
    private final int d;

    public LogisticRegression(double[][] x, double[] labels) {
        this.d = Models.requireData(x);
        Objects.requireNonNull(labels, "labels");
        if (labels.length != x.length) {
            throw new IllegalArgumentException("labels: length " + labels.length + " does not match the " + x.length
                    + " rows of x");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("labels: entry " + i + " is " + labels[i] + " (must be 0 or 1)");
            }
        }
        this.x = ModelMath.copy(x);
        this.y = labels.clone();
    }

    public int dimension() {
        return d;
    }

    /** A copy of X. */
    public double[][] data() {
        return ModelMath.copy(x);
    }

    /** The mean logistic loss. */
    public double loss(double[] theta) {
        Models.requireLength("theta", theta, d);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double z = ModelMath.dot(x[i], theta);
            s += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i] * z;
        }
        return s / x.length;
    }

    /** Xᵀ(σ(Xθ) − y) / n. */
    public double[] gradient(double[] theta) {
        Models.requireLength("theta", theta, d);
        double[] g = new double[d];
        for (int i = 0; i < x.length; i++) {
            double r = ModelMath.sigmoid(ModelMath.dot(x[i], theta)) - y[i];
            for (int j = 0; j < d; j++) {
                g[j] += x[i][j] * r;
            }
        }
        for (int j = 0; j < d; j++) {
            g[j] /= x.length;
        }
        return g;
    }

    /** σ(Xθ), one per example. */
    public double[] probabilities(double[] theta) {
        Models.requireLength("theta", theta, d);
        double[] s = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = ModelMath.sigmoid(ModelMath.dot(x[i], theta));
        }
        return s;
    }
}
