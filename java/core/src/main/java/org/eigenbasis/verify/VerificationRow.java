package org.eigenbasis.verify;

/**
 * One line of the verification table: the worst measures over a group of cases, in units of n·ε of the dtype.
 *
 * @param backend       the backend verified
 * @param kernel        eigh, spectral f(A), spectral f(A)·X or refresh
 * @param algorithm     the algorithm or filter
 * @param dtype         f32 or f64
 * @param cases         matrices checked
 * @param residual      worst ‖AV − VΛ‖_F/‖A‖_F (eigh) or residual of a defining identity, / (n·ε)
 * @param orthogonality worst ‖VᵀV − I‖_max / (n·ε)
 * @param parity        worst difference from the java reference / (n·ε·‖A‖, and /gap for vectors); NaN for the
 *                      reference itself
 * @param limit         the pass limit on every measure
 * @param passed        every measure within the limit and every structural check held
 * @param inputs        what was run
 * @param failures      why it failed (empty when passed)
 */
public record VerificationRow(String backend, String kernel, String algorithm, String dtype, int cases,
                              double residual, double orthogonality, double parity, double limit, boolean passed,
                              String inputs, String failures) {
}
