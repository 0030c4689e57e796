package org.eigenbasis.basis.egop;

import java.util.Objects;

/**
 * EGOP reparameterisation by an orthogonal V (d × d, columns the new axes, usually {@link EgopResult#vectors()}):
 * f~(θ~) = f(Vθ~), started from θ~_0 = Vᵀθ_0 and mapped back by θ = Vθ~. The gradient of f~ is
 * ∇f~(θ~) = Vᵀ∇f(Vθ~) (chain rule). Because V is orthogonal, rotation-equivariant methods (gradient descent,
 * Newton) follow the same θ trajectory with or without it, while coordinate-wise methods (Adagrad, Adam) do not:
 * that difference is the point of the reparameterisation.
 * <p>Products are plain loops in double, d² flops each. Immutable; V is copied.
 */
public final class EgopReparameterization {
    /** The orthogonality check: max |VᵀV − I| must not exceed this, as the contract for a user basis says. */
    public static final double ORTHOGONALITY_TOLERANCE = 1e-10;

    private final int d;
    private final double[] v;

    private EgopReparameterization(int d, double[] v) {
        this.d = d;
        this.v = v;
    }

    /** From the eigenvectors of an EGOP estimate. */
    public static EgopReparameterization of(EgopResult egop) {
        Objects.requireNonNull(egop, "egop");
        return of(egop.vectors(), egop.dimension());
    }

    /**
     * From a user's V (d × d row-major, axes in columns).
     *
     * @throws IllegalArgumentException when the length is not d², an entry is not finite, or
     *     max |VᵀV − I| &gt; {@value #ORTHOGONALITY_TOLERANCE}
     */
    public static EgopReparameterization of(double[] v, int d) {
        Objects.requireNonNull(v, "v");
        if (d < 1) {
            throw new IllegalArgumentException("d: " + d + " must be at least 1");
        }
        if (v.length != (long) d * d) {
            throw new IllegalArgumentException("v: length " + v.length + " != d² = " + (long) d * d);
        }
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException("v[" + i + "]: " + v[i] + " is not finite");
            }
        }
        double worst = orthonormalityError(v, d, d);
        if (!(worst <= ORTHOGONALITY_TOLERANCE)) {
            throw new IllegalArgumentException("v: not orthogonal, max |VᵀV − I| = " + worst + " > "
                    + ORTHOGONALITY_TOLERANCE);
        }
        return new EgopReparameterization(d, v.clone());
    }

    /**
     * max |QᵀQ − I| over the lower triangle for Q (rows × cols, row-major): each entry summed over rows in ascending
     * order, accumulated row by row so the reads are contiguous (cols² doubles of work space, rows·cols²/2 flops).
     */
    static double orthonormalityError(double[] q, int rows, int cols) {
        double[] gram = new double[cols * cols];
        for (int i = 0; i < rows; i++) {
            int row = i * cols;
            for (int a = 0; a < cols; a++) {
                double qa = q[row + a];
                int at = a * cols;
                for (int b = 0; b <= a; b++) {
                    gram[at + b] += qa * q[row + b];
                }
            }
        }
        double worst = 0;
        for (int a = 0; a < cols; a++) {
            for (int b = 0; b <= a; b++) {
                worst = Math.max(worst, Math.abs(gram[a * cols + b] - (a == b ? 1 : 0)));
            }
        }
        return worst;
    }

    public int dimension() {
        return d;
    }

    /** V, d × d row-major (a copy). */
    public double[] basis() {
        return v.clone();
    }

    /** θ~ = Vᵀθ: original coordinates to rotated ones (θ~_0 = Vᵀθ_0). */
    public double[] toRotated(double[] theta) {
        check("theta", theta);
        double[] out = new double[d];
        for (int i = 0; i < d; i++) {
            double ti = theta[i];
            for (int c = 0; c < d; c++) {
                out[c] += v[i * d + c] * ti;
            }
        }
        return out;
    }

    /** θ = Vθ~: rotated coordinates back to the original ones. */
    public double[] toOriginal(double[] rotated) {
        check("rotated", rotated);
        double[] out = new double[d];
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                s += v[i * d + c] * rotated[c];
            }
            out[i] = s;
        }
        return out;
    }

    /** The oracle of f~: θ~ ↦ Vᵀ∇f(Vθ~). A wrong-length gradient from {@code gradient} is refused. */
    public EgopGradient rotated(EgopGradient gradient) {
        Objects.requireNonNull(gradient, "gradient");
        return rotatedTheta -> {
            double[] g = gradient.at(toOriginal(rotatedTheta));
            check("gradient", g);
            return toRotated(g);
        };
    }

    /** The mini-batch oracle of f~: (θ~, seed) ↦ Vᵀ∇f_B(Vθ~), the same batch B for the same seed. */
    public EgopStochasticGradient rotated(EgopStochasticGradient gradient) {
        Objects.requireNonNull(gradient, "gradient");
        return (rotatedTheta, seed) -> {
            double[] g = gradient.at(toOriginal(rotatedTheta), seed);
            check("gradient", g);
            return toRotated(g);
        };
    }

    private void check(String name, double[] x) {
        Objects.requireNonNull(x, name);
        if (x.length != d) {
            throw new IllegalArgumentException(name + ": length " + x.length + " != dimension " + d);
        }
    }
}
