package org.eigenbasis.basis;

import org.eigenbasis.internal.RuleChecks;

/**
 * The elementwise rule of a diagonal preconditioner, applied by {@link BasisOptimizer} to the coordinates
 * g̃ = Uᵀg of the gradient in a basis U; the parameters then move by θ ← θ − lr·U·step. Records, validated at
 * construction ({@link IllegalArgumentException} naming the value and its legal range), with {@code defaults()}
 * and one wither per component.
 */
public sealed interface DiagonalRule permits DiagonalRule.Adam, DiagonalRule.Adagrad, DiagonalRule.GaussNewton {

    /**
     * Adam (Kingma and Ba 2015) with bias correction, step t ≥ 1, per coordinate:
     * <pre>
     *   m ← β₁m + (1 − β₁)g̃;   v ← β₂v + (1 − β₂)g̃²
     *   step = (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
     * </pre>
     * β₁ = β₂ = 0 with ε = 0 is sign descent in U: step = sign(g̃) exactly (√(fl(g̃²)) = |g̃| in IEEE arithmetic
     * without under- or overflow); a coordinate with m = v = 0 takes step 0 (the limit, not 0/0).
     *
     * @param beta1 in [0, 1) (default 0.9)
     * @param beta2 in [0, 1) (default 0.999)
     * @param eps   finite, ≥ 0 (default 1e-8)
     */
    record Adam(double beta1, double beta2, double eps) implements DiagonalRule {
        public Adam {
            RuleChecks.beta("beta1", beta1);
            RuleChecks.beta("beta2", beta2);
            RuleChecks.nonNegative("eps", eps);
        }

        /** torch.optim.Adam's defaults (listed above). */
        public static Adam defaults() {
            return new Adam(0.9, 0.999, 1e-8);
        }

        /** β₁ = β₂ = ε = 0: sign descent in the basis. */
        public static Adam signDescent() {
            return new Adam(0, 0, 0);
        }

        public Adam withBeta1(double v) {
            return new Adam(v, beta2, eps);
        }

        public Adam withBeta2(double v) {
            return new Adam(beta1, v, eps);
        }

        public Adam withEps(double v) {
            return new Adam(beta1, beta2, v);
        }
    }

    /**
     * AdaGrad (Duchi, Hazan and Singer 2011), diagonal, per coordinate: v ← v + g̃²; step = g̃ / (√v + ε). A
     * coordinate with g̃ = v = 0 takes step 0.
     *
     * @param eps finite, ≥ 0 (default 1e-10, torch.optim.Adagrad's)
     */
    record Adagrad(double eps) implements DiagonalRule {
        public Adagrad {
            RuleChecks.nonNegative("eps", eps);
        }

        public static Adagrad defaults() {
            return new Adagrad(1e-10);
        }

        public Adagrad withEps(double v) {
            return new Adagrad(v);
        }
    }

    /**
     * Gauss–Newton^-p in the basis: with G the Gauss–Newton matrix of the step (or the fixed full-batch one),
     * D = diag(UᵀGU) + ε and step = D^-p g̃, so θ ← θ − lr·U D^-p Uᵀg. In the eigenbasis of G with ε = 0 and p = 1
     * this is Newton's method on a quadratic. A coordinate with D_j = 0 (ε = 0 and no curvature along U's column
     * j) is refused at the step: the rule has no step there.
     *
     * @param power p, 1 or 1/2 (default 1)
     * @param eps   finite, ≥ 0 (default 1e-8)
     */
    record GaussNewton(double power, double eps) implements DiagonalRule {
        public GaussNewton {
            if (!(power == 1 || power == 0.5)) {
                throw new IllegalArgumentException("power: " + power + " is outside {1, 0.5}");
            }
            RuleChecks.nonNegative("eps", eps);
        }

        public static GaussNewton defaults() {
            return new GaussNewton(1, 1e-8);
        }

        public GaussNewton withPower(double v) {
            return new GaussNewton(v, eps);
        }

        public GaussNewton withEps(double v) {
            return new GaussNewton(power, v);
        }
    }
}
