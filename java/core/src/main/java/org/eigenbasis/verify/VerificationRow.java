package org.eigenbasis.verify;

/**
 * One line of the verification table: the worst measures over a group of cases, in units of n·ε of the dtype
 * (LAPACK's test ratios for eigh; see {@link Accuracy}), and the limits they were judged by.
 *
 * @param backend            the backend verified
 * @param kernel             eigh, spectral f(A), spectral f(A)·X, refresh, influence or mlp
 * @param algorithm          the algorithm or filter
 * @param dtype              f32 or f64
 * @param cases              matrices checked
 * @param residual           worst ‖A − VΛVᵀ‖₁/‖A‖₁ (eigh) or residual of a defining identity, / (n·ε)
 * @param orthogonality      worst ‖VᵀV − I‖₁ / (n·ε); 0 where the kernel returns no basis
 * @param parity             worst difference from the java reference / (n·ε·‖A‖₁, and /gap for vectors; for the
 *                           influence and mlp kernels K·ε·B, Higham's bound for K roundings over B the
 *                           computation on |inputs|); NaN
 *                           for the reference itself
 * @param residualLimit      the largest limit a case's residual was judged by (each case against its algorithm's)
 * @param orthogonalityLimit likewise for orthogonality; 0 where not measured
 * @param parityLimit        likewise for parity; NaN for the reference itself
 * @param passed             every case within its limits and every structural check held
 * @param inputs             what was run
 * @param failures           why it failed (empty when passed)
 */
public record VerificationRow(String backend, String kernel, String algorithm, String dtype, int cases,
                              double residual, double orthogonality, double parity, double residualLimit,
                              double orthogonalityLimit, double parityLimit, boolean passed, String inputs,
                              String failures) {
}
