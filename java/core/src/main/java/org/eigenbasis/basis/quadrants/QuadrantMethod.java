package org.eigenbasis.basis.quadrants;

import org.eigenbasis.basis.BasisOptimizer;
import org.eigenbasis.basis.DiagonalRule;
import org.eigenbasis.basis.GaussNewton;

/**
 * The four methods of the quadrants experiment ({@link FourQuadrants}): plain gradient descent θ ← θ − lr·g (the
 * reference, no basis), Adam in the quadrant's basis, and Gauss–Newton^-1 and ^-1/2 in that basis with ε = 0.
 */
public enum QuadrantMethod {
    GRADIENT_DESCENT("gd"),
    ADAM("adam"),
    GAUSS_NEWTON("gn_inv"),
    GAUSS_NEWTON_SQRT("gn_inv_sqrt");

    private final String key;

    QuadrantMethod(String key) {
        this.key = key;
    }

    /** The JSON key and table label: gd, adam, gn_inv, gn_inv_sqrt. */
    public String key() {
        return key;
    }

    /** The rule this method runs in {@link BasisOptimizer}, or null for gradient descent (run without one). */
    DiagonalRule rule(DiagonalRule.Adam adam) {
        return switch (this) {
            case GRADIENT_DESCENT -> null;
            case ADAM -> adam;
            case GAUSS_NEWTON -> new DiagonalRule.GaussNewton(1, 0);
            case GAUSS_NEWTON_SQRT -> new DiagonalRule.GaussNewton(0.5, 0);
        };
    }
}
