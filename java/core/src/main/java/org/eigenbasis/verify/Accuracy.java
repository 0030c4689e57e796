package org.eigenbasis.verify;

import org.eigenbasis.value.EighAlgorithm;

/**
 * What each eigensolver guarantees, in the units LAPACK's own test programs judge it in, so a pass or a failure
 * does not depend on which BLAS kernels a machine happens to run.
 *
 * <p>LAPACK's symmetric-eigenproblem tests (TESTING/EIG, routine xSYT21, driven by TESTING/sep.in) compute, for a
 * decomposition A ≈ V Λ Vᵀ of an n × n matrix, the ratios
 * <pre>
 *   residual      = ‖A − V Λ Vᵀ‖₁ / (‖A‖₁ · n · ulp)
 *   orthogonality = ‖I − VᵀV‖₁  / (n · ulp)
 * </pre>
 * with ulp the spacing of the floating-point numbers just above 1 ({@link org.eigenbasis.value.DType#epsilon()}),
 * and pass a routine when every ratio is below a threshold THRESH: 60 in sep.in, whose comment gives the
 * theoretical limit as about 500 and the largest ratio reached in practice as about 170. {@link Invariants}
 * computes exactly these ratios; this class holds the thresholds:
 * <ul>
 *   <li>Householder tridiagonalisation with implicit QL/QR, divide and conquer, and Jacobi are backward stable with
 *       orthogonality of the same order as the residual (Demmel, Marques, Parlett and Vömel, "Performance and
 *       accuracy of LAPACK's symmetric tridiagonal eigensolvers", SIAM J. Sci. Comput. 30 (2008): errors grow like
 *       √n·ε for QR and divide and conquer): both ratios within sep.in's THRESH, {@value #LAPACK_THRESHOLD}.</li>
 *   <li>The two-stage reduction ({@link EighAlgorithm#TWO_STAGE}: dense to band, band to tridiagonal by bulge
 *       chasing) is a product of Householder similarities like the one-stage ?sytrd, so it is backward stable
 *       with the same kind of bound (Haidar, Ltaief and Dongarra, SC'11; LAPACK tests ?syevd_2stage against
 *       the same sep.in THRESH); with divide and conquer or implicit QL on the tridiagonal it is judged as
 *       ?syevd: both ratios within {@value #LAPACK_THRESHOLD}.</li>
 *   <li>MRRR (?syevr) has the same residual but weaker orthogonality, O(n·ε) with a larger constant (same
 *       source: MR³'s orthogonality loss grows like n·ε and is the largest of LAPACK's solvers): its
 *       orthogonality is judged against sep.in's empirical limit, {@value #MRRR_ORTHOGONALITY}.</li>
 *   <li>cuSOLVER's solvers are judged as LAPACK's (divide and conquer, and batched Jacobi).</li>
 * </ul>
 * Derived bounds: an eigenvalue of a decomposition within both thresholds differs from the exact one by at most
 * (residual + orthogonality limit)·n·ulp·‖A‖₁ (Weyl's theorem applied to A − VΛVᵀ, plus the departure of V from
 * orthogonality), and an eigenvector by that over the gap to the rest of the spectrum (Davis–Kahan); two such
 * decompositions differ by at most twice these.
 */
public final class Accuracy {
    /** TESTING/sep.in's THRESH for the xSYT21 ratios. */
    public static final double LAPACK_THRESHOLD = 60;
    /** sep.in's "empirically reached limit ~170", for MRRR's orthogonality. */
    public static final double MRRR_ORTHOGONALITY = 170;

    private Accuracy() {
    }

    /** The largest residual ratio ‖A − VΛVᵀ‖₁ / (‖A‖₁ n ulp) an algorithm may show. */
    public static double residualLimit(EighAlgorithm algorithm) {
        return LAPACK_THRESHOLD;
    }

    /**
     * The largest orthogonality ratio ‖I − VᵀV‖₁ / (n ulp) an algorithm may show: sep.in's empirical 170 for
     * MRRR, THRESH for every other (TWO_STAGE included).
     */
    public static double orthogonalityLimit(EighAlgorithm algorithm) {
        return algorithm == EighAlgorithm.SYEVR ? MRRR_ORTHOGONALITY : LAPACK_THRESHOLD;
    }

    /**
     * The largest eigenvalue error, in units of n·ulp·‖A‖₁: residual plus orthogonality limit (see the class
     * comment). An eigenvector's error bound is this over the gap; a difference between two backends, twice it.
     */
    public static double eigenvalueLimit(EighAlgorithm algorithm) {
        return residualLimit(algorithm) + orthogonalityLimit(algorithm);
    }

    /** The largest orthogonality ratio of a Householder QR factor (the refresh's), as LAPACK's xQRT01 judges it. */
    public static double qrOrthogonalityLimit() {
        // TESTING/dtest.in's THRESH for the linear-equation and QR tests, ‖I − QᵀQ‖₁ / (m ulp).
        return 30;
    }
}
