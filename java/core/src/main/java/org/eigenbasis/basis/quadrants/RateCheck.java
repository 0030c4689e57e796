package org.eigenbasis.basis.quadrants;

/**
 * A measured linear contraction rate against its prediction. On L = ½ẽᵀΛẽ in the eigenbasis a diagonal step
 * multiplies ẽ_j by (1 − lr·λ_j^(1−p)) each step (p = 1/2: GN^-1/2; p = 0: gradient descent), so the loss is known in
 * closed form: L_t = ½ Σ_j λ_j ẽ_{0,j}² (1 − lr·λ_j^(1−p))^(2t).
 *
 * @param lr         the learning rate of the run
 * @param fromStep   t₀: the first step with L_t ≤ 1e-4·L₀
 * @param toStep     t₁ &gt; t₀: the first step with L_t ≤ 1e-12·L₀, else the last step
 * @param measured   (L_t₁ / L_t₀)^(1/(2(t₁ − t₀))) of the run: the mean contraction of ‖e‖_H per step
 * @param predicted  the same quantity from the closed form
 * @param asymptotic max_j |1 − lr·λ_j^(1−p)|, the limit of the contraction for large t
 * @param optimal    the best rate any constant lr gives, (c − 1)/(c + 1) with c the condition number of the
 *                   preconditioned problem (√κ for GN^-1/2, κ for gradient descent)
 */
public record RateCheck(double lr, int fromStep, int toStep, double measured, double predicted, double asymptotic,
                        double optimal) {
}
