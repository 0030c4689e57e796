package org.eigenbasis.basis.egop;

import java.util.Objects;
import org.eigenbasis.basis.Basis;
import org.eigenbasis.basis.BasisOptimizer;
import org.eigenbasis.basis.BasisOptimizerConfig;
import org.eigenbasis.basis.DiagonalRule;
import org.eigenbasis.basis.GaussNewton;
import org.eigenbasis.spi.Backend;

/**
 * The reduced top-r form of EGOP reparameterisation (issue 13, point 3), for d too large to keep or apply a d × d
 * basis: with V_r (d × r, orthonormal columns, the leading EGOP eigenvectors) the parameters are split as
 * <pre>
 *   θ = V_r c + θ⊥,   c = V_rᵀθ ∈ ℝʳ,   θ⊥ = (I − V_rV_rᵀ)θ
 * </pre>
 * and a step with g = ∇f(θ) moves the two parts separately:
 * <ul>
 *   <li><b>top-r block</b>: g̃ = V_rᵀg; the rule ({@link DiagonalRule.Adam} or {@link DiagonalRule.Adagrad}) runs on
 *       c with <i>one state per coordinate</i>, exactly as the full reparameterisation does on θ~ = Vᵀθ (it is a
 *       {@link BasisOptimizer} with the identity basis on c);</li>
 *   <li><b>complement block</b> (r &lt; d): g⊥ = g − V_r g̃, and the rule runs on θ⊥ with a <i>single shared
 *       second-moment scalar</i> v⊥ fed by the mean square per coordinate ‖g⊥‖²/(d − r): Adam keeps a d-vector of
 *       first moments m⊥ ← β₁m⊥ + (1 − β₁)g⊥, v⊥ ← β₂v⊥ + (1 − β₂)‖g⊥‖²/(d − r), θ⊥ ← θ⊥ − lr·(m⊥/(1 − β₁ᵗ)) /
 *       (√(v⊥/(1 − β₂ᵗ)) + ε); AdaGrad v⊥ ← v⊥ + ‖g⊥‖²/(d − r), θ⊥ ← θ⊥ − lr·g⊥/(√v⊥ + ε).</li>
 * </ul>
 * Why one scalar: ‖g⊥‖²/(d − r) is the mean of the diagonal second moments over <i>any</i> orthonormal basis of the
 * complement, so the complement needs no basis of its own (never d × d), and where the EGOP tail is flat it is what
 * per-coordinate Adam would hold there; it is the block-mean of Adam-mini (Zhang et al. 2024) applied to one block.
 * θ⊥ stays in the complement (every update is along g⊥ or a sum of them), up to rounding.
 *
 * <p><b>r = d</b>: the complement is the zero space, θ⊥ ≡ 0 exactly and there is no complement block, so the run is
 * the full reparameterisation step for step (the same products in the same order as {@link EgopReparameterization}
 * and the same rule code): the two trajectories agree to the last bit.
 *
 * <p><b>Cost</b> per step 4dr flops (V_rᵀg, V_r g̃, and θ = V_r c + θ⊥ for the next gradient) plus O(d); memory
 * dr + 3d + 3r doubles; V_r is checked orthonormal in O(dr²) at construction. <b>Fails</b> with
 * {@link IllegalArgumentException} (nothing changed) on V_r of the wrong length, a non-finite entry,
 * max |V_rᵀV_r − I| &gt; {@value EgopReparameterization#ORTHOGONALITY_TOLERANCE}, r outside [1, d], a Gauss–Newton
 * rule, or a gradient of the wrong length or with a non-finite entry. Not thread-safe.
 */
public final class EgopReducedForm implements AutoCloseable {
    private final int d;
    private final int r;
    private final double[] vr;
    private final DiagonalRule rule;
    private final double lr;
    private final BasisOptimizer top;
    private final double[] c;
    private final double[] complement;
    private final double[] complementMoment;
    private double complementSecondMoment;
    private long steps;

    private EgopReducedForm(double[] vr, int d, int r, BasisOptimizerConfig config, Backend backend, double[] theta0) {
        this.d = d;
        this.r = r;
        this.vr = vr;
        this.rule = config.rule();
        this.lr = config.lr();
        this.c = project(theta0);
        this.complement = new double[d];
        if (r < d) {
            double[] back = lift(c);
            for (int i = 0; i < d; i++) {
                complement[i] = theta0[i] - back[i];
            }
        }
        this.complementMoment = new double[rule instanceof DiagonalRule.Adam && r < d ? d : 0];
        this.top = new BasisOptimizer(config, Basis.identity(r), backend);
    }

    /** The reduced form with the leading r eigenvectors of {@code egop}, started at θ₀. */
    public static EgopReducedForm start(EgopResult egop, int r, BasisOptimizerConfig config, Backend backend,
                                        double[] theta0) {
        Objects.requireNonNull(egop, "egop");
        if (r < 1 || r > egop.dimension()) {
            throw new IllegalArgumentException("r: " + r + " is outside [1, " + egop.dimension() + "]");
        }
        return start(egop.leadingVectors(r), egop.dimension(), r, config, backend, theta0);
    }

    /**
     * The reduced form with a caller's V_r (d × r row-major, orthonormal columns), started at θ₀ (length d, finite).
     * V_r and θ₀ are copied.
     */
    public static EgopReducedForm start(double[] vr, int d, int r, BasisOptimizerConfig config, Backend backend,
                                        double[] theta0) {
        Objects.requireNonNull(vr, "vr");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(theta0, "theta0");
        if (d < 1) {
            throw new IllegalArgumentException("d: " + d + " is outside [1, ∞)");
        }
        if (r < 1 || r > d) {
            throw new IllegalArgumentException("r: " + r + " is outside [1, " + d + "]");
        }
        if (config.rule() instanceof DiagonalRule.GaussNewton) {
            throw new IllegalArgumentException("config: rule " + config.rule() + " is outside {Adam, Adagrad}");
        }
        if (vr.length != (long) d * r) {
            throw new IllegalArgumentException("vr: length " + vr.length + " != d·r = " + (long) d * r);
        }
        for (int i = 0; i < vr.length; i++) {
            if (!Double.isFinite(vr[i])) {
                throw new IllegalArgumentException("vr[" + i + "]: " + vr[i] + " is not finite");
            }
        }
        double worst = EgopReparameterization.orthonormalityError(vr, d, r);
        if (!(worst <= EgopReparameterization.ORTHOGONALITY_TOLERANCE)) {
            throw new IllegalArgumentException("vr: columns not orthonormal, max |V_rᵀV_r − I| = " + worst + " > "
                    + EgopReparameterization.ORTHOGONALITY_TOLERANCE);
        }
        requireFiniteVector("theta0", theta0, d);
        return new EgopReducedForm(vr.clone(), d, r, config, backend, theta0.clone());
    }

    public int dimension() {
        return d;
    }

    public int rank() {
        return r;
    }

    /** Steps taken so far. */
    public long stepCount() {
        return steps;
    }

    /** θ = V_r c + θ⊥ (a new array). */
    public double[] theta() {
        double[] out = lift(c);
        if (r < d) {
            for (int i = 0; i < d; i++) {
                out[i] += complement[i];
            }
        }
        return out;
    }

    /** c = the coordinates along V_r's columns (a copy). */
    public double[] coordinates() {
        return c.clone();
    }

    /** θ⊥, the part in the complement of V_r (a copy; all zeros when r = d). */
    public double[] complement() {
        return complement.clone();
    }

    /** One step of the rule with g = ∇f(θ) at the current {@link #theta()}. */
    public void step(double[] gradient) {
        requireFiniteVector("gradient", gradient, d);
        double[] coordinates = project(gradient);
        double[] perpendicular = r < d ? perpendicular(gradient, coordinates) : null;
        top.step(c, coordinates);
        long t = steps + 1;
        if (perpendicular != null) {
            double meanSquare = 0;
            for (double x : perpendicular) {
                meanSquare += x * x;
            }
            meanSquare /= d - r;
            if (rule instanceof DiagonalRule.Adam adam) {
                double b1 = adam.beta1();
                double b2 = adam.beta2();
                complementSecondMoment = b2 * complementSecondMoment + (1 - b2) * meanSquare;
                double denominator = Math.sqrt(complementSecondMoment / (1 - Math.pow(b2, t))) + adam.eps();
                double bc1 = 1 - Math.pow(b1, t);
                for (int i = 0; i < d; i++) {
                    complementMoment[i] = b1 * complementMoment[i] + (1 - b1) * perpendicular[i];
                    double numerator = complementMoment[i] / bc1;
                    complement[i] -= numerator == 0 ? 0 : lr * (numerator / denominator);
                }
            } else {
                DiagonalRule.Adagrad adagrad = (DiagonalRule.Adagrad) rule;
                complementSecondMoment += meanSquare;
                double denominator = Math.sqrt(complementSecondMoment) + adagrad.eps();
                for (int i = 0; i < d; i++) {
                    complement[i] -= perpendicular[i] == 0 ? 0 : lr * (perpendicular[i] / denominator);
                }
            }
        }
        steps = t;
    }

    /**
     * One plain gradient-descent step in the reduced coordinates, c ← c − η V_rᵀg and θ⊥ ← θ⊥ − η(I − V_rV_rᵀ)g, so
     * θ ← θ − ηg in exact arithmetic: the equivariance check of the reduced form. Touches no moment.
     */
    public void gradientDescentStep(double[] gradient, double eta) {
        requireFiniteVector("gradient", gradient, d);
        double[] coordinates = project(gradient);
        for (int k = 0; k < r; k++) {
            c[k] -= eta * coordinates[k];
        }
        if (r < d) {
            double[] perpendicular = perpendicular(gradient, coordinates);
            for (int i = 0; i < d; i++) {
                complement[i] -= eta * perpendicular[i];
            }
        }
    }

    /** V_rᵀx, in the loop order of {@link EgopReparameterization#toRotated}. */
    private double[] project(double[] x) {
        double[] out = new double[r];
        for (int i = 0; i < d; i++) {
            double xi = x[i];
            for (int k = 0; k < r; k++) {
                out[k] += vr[i * r + k] * xi;
            }
        }
        return out;
    }

    /** V_r y, in the loop order of {@link EgopReparameterization#toOriginal}. */
    private double[] lift(double[] y) {
        double[] out = new double[d];
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (int k = 0; k < r; k++) {
                s += vr[i * r + k] * y[k];
            }
            out[i] = s;
        }
        return out;
    }

    /** x − V_r(V_rᵀx) given V_rᵀx. */
    private double[] perpendicular(double[] x, double[] coordinates) {
        double[] back = lift(coordinates);
        double[] out = new double[d];
        for (int i = 0; i < d; i++) {
            out[i] = x[i] - back[i];
        }
        return out;
    }

    private static void requireFiniteVector(String name, double[] x, int d) {
        Objects.requireNonNull(x, name);
        if (x.length != d) {
            throw new IllegalArgumentException(name + ": length " + x.length + " != dimension " + d);
        }
        for (int i = 0; i < d; i++) {
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException(name + "[" + i + "]: " + x[i] + " is not finite");
            }
        }
    }

    @Override
    public void close() {
        top.close();
    }
}
