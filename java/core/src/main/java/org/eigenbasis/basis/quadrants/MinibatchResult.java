package org.eigenbasis.basis.quadrants;

import java.util.List;

/**
 * Quadrant (c) of {@link FourQuadrants}: mini-batch linear regression with Gaussian data.
 *
 * @param methods           the four methods in the eigenbasis of H, tuned on the grid (losses are the exact excess
 *                          loss ½eᵀHe; final loss = mean over the last tenth of the budget)
 * @param eigenvalueDecades log₁₀(λ_max/λ_min) of H
 * @param formulaChecks     the Monte Carlo check of E[g̃_j²] per basis and point
 * @param alignments        Adam's v against GN^-1/2 per basis (identity and eigenbasis)
 */
public record MinibatchResult(List<MethodResult> methods, double eigenvalueDecades, List<FormulaCheck> formulaChecks,
                              List<Alignment> alignments) {
    public MinibatchResult {
        methods = List.copyOf(methods);
        formulaChecks = List.copyOf(formulaChecks);
        alignments = List.copyOf(alignments);
    }

    public MethodResult method(QuadrantMethod method) {
        return FourQuadrantsResult.find(methods, method);
    }

    /** The alignment in the named basis ("identity", "eigenbasis"). */
    public Alignment alignment(String basis) {
        return alignments.stream().filter(a -> a.basis().equals(basis)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("basis: no alignment for '" + basis + "'"));
    }

    /**
     * E[g̃_j²] = (1 + 1/B)(UᵀHe)_j² + ((eᵀHe + s²)/B)(UᵀHU)_jj against the mean of g̃_j² over M mini-batch gradients
     * at a fixed θ, z_j = (mean − formula)/(sample standard deviation/√M).
     *
     * @param basis      "identity", "eigenbasis" or "random"
     * @param point      "start" (θ₀) or "near" (θ* + (θ₀ − θ*)/10: noise-dominated)
     * @param samples    M
     * @param maxAbsZ    max_j |z_j|
     * @param expected   the formula, per coordinate
     * @param mean       the Monte Carlo means
     * @param standardError their standard errors
     */
    public record FormulaCheck(String basis, String point, int samples, double maxAbsZ, double[] expected, double[] mean,
                               double[] standardError) {
        public FormulaCheck {
            expected = expected.clone();
            mean = mean.clone();
            standardError = standardError.clone();
        }

        @Override
        public double[] expected() {
            return expected.clone();
        }

        @Override
        public double[] mean() {
            return mean.clone();
        }

        @Override
        public double[] standardError() {
            return standardError.clone();
        }
    }

    /**
     * Adam's own v̂ after a long run (β₂ = momentBeta2) against GN^-1/2: with x_j = −log(UᵀHU)_jj and
     * y_j = log(1/√v̂_j), the least-squares slope ("exponent": 0.5 is GN^-1/2, 1 would be GN^-1) and the Pearson
     * correlation of y with log GN^-1/2 = x/2 ("cosine").
     *
     * @param basis            "identity" or "eigenbasis"
     * @param lr               Adam's learning rate (its tuned one in the eigenbasis)
     * @param steps            steps of the run
     * @param exponent         the slope p
     * @param exponentStdError the ordinary least-squares standard error of p, √(SSR/(d − 2)/Σ(x − x̄)²)
     * @param exponentBias     the slope of −½log(1 + a_j/(n̄h_j)) on x: what the signal term a_j of E[g̃²], averaged
     *                         along this very trajectory, adds to 0.5 (so p ≈ 0.5 + bias up to Monte Carlo noise)
     * @param cosine           the Pearson correlation
     * @param v                v̂, per coordinate
     * @param diagonal         (UᵀHU)_jj, per coordinate
     */
    public record Alignment(String basis, double lr, int steps, double exponent, double exponentStdError,
                            double exponentBias, double cosine, double[] v, double[] diagonal) {
        public Alignment {
            v = v.clone();
            diagonal = diagonal.clone();
        }

        @Override
        public double[] v() {
            return v.clone();
        }

        @Override
        public double[] diagonal() {
            return diagonal.clone();
        }
    }
}
