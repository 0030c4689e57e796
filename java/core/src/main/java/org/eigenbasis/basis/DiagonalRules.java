package org.eigenbasis.basis;

import java.nio.DoubleBuffer;

/**
 * The one elementwise implementation of the {@link DiagonalRule}s, shared by {@link BasisOptimizer} (one flat
 * vector) and {@link BasisDiagonalOptimizer} (one block per parameter). It reads the coordinates g̃ = Uᵀg of the
 * gradient, updates the moments in place and writes the step in the basis; the rotations around it are
 * {@link BasisRotation}'s.
 *
 * <p>Why plain loops and not {@code PreconditionerKernel.diagonalUpdate}: that kernel computes m/(v^e + ε)
 * without bias correction, so Adam's ε-after-bias-correction would need ε and the step rescaled (two extra
 * roundings, and NaN for sign descent's 0/0 where this class takes 0), and Gauss–Newton's step has no moments at
 * all. The rules are O(d) against the rotations' O(d²) (dense) or O(mn(m + n)) (Kronecker).
 */
final class DiagonalRules {
    private DiagonalRules() {
    }

    /**
     * The Gauss–Newton denominators (D_j + ε)^p, checked before anything is written: a D_j + ε that is not
     * positive is refused with {@link IllegalArgumentException} naming {@code what} and j.
     */
    static double[] gaussNewtonDenominators(DiagonalRule.GaussNewton gn, double[] diagonal, String what) {
        double[] denominator = new double[diagonal.length];
        for (int j = 0; j < diagonal.length; j++) {
            double dj = diagonal[j] + gn.eps();
            if (!(dj > 0)) {
                throw new IllegalArgumentException(what + ": diag(UᵀGU)_" + j + " + eps = " + dj
                        + " is not positive: Gauss–Newton^-p has no step along basis column " + j);
            }
            denominator[j] = gn.power() == 1 ? dj : Math.sqrt(dj);
        }
        return denominator;
    }

    /**
     * Step t ≥ 1 of {@code rule} over n coordinates: reads g̃ from {@code coordinates}, updates {@code m} (Adam)
     * and {@code v} (Adam, AdaGrad) in place, writes the step to {@code out} (which may be {@code coordinates}).
     * {@code denominators} are Gauss–Newton's (from {@link #gaussNewtonDenominators}), null for the others. Buffers
     * are read by absolute index from 0; their positions are not moved.
     */
    static void apply(DiagonalRule rule, long t, DoubleBuffer coordinates, DoubleBuffer m, DoubleBuffer v,
                      double[] denominators, DoubleBuffer out, int n) {
        if (rule instanceof DiagonalRule.Adam adam) {
            double b1 = adam.beta1();
            double b2 = adam.beta2();
            double bc1 = 1 - Math.pow(b1, t);
            double bc2 = 1 - Math.pow(b2, t);
            for (int j = 0; j < n; j++) {
                double g = coordinates.get(j);
                double mj = b1 * m.get(j) + (1 - b1) * g;
                double vj = b2 * v.get(j) + (1 - b2) * (g * g);
                m.put(j, mj);
                v.put(j, vj);
                double numerator = mj / bc1;
                double denom = Math.sqrt(vj / bc2) + adam.eps();
                out.put(j, numerator == 0 ? 0 : numerator / denom);
            }
        } else if (rule instanceof DiagonalRule.Adagrad adagrad) {
            for (int j = 0; j < n; j++) {
                double g = coordinates.get(j);
                double vj = v.get(j) + g * g;
                v.put(j, vj);
                double denom = Math.sqrt(vj) + adagrad.eps();
                out.put(j, g == 0 ? 0 : g / denom);
            }
        } else {
            for (int j = 0; j < n; j++) {
                out.put(j, coordinates.get(j) / denominators[j]);
            }
        }
    }
}
