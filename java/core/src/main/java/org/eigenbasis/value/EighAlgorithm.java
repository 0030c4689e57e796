package org.eigenbasis.value;

import java.util.Locale;

/**
 * The eigensolver behind a {@link SymmetricEigen} call. {@link #AUTO} lets the backend pick by size from its own
 * measurements; the others force one path (for verification and benchmarks) and fail when the backend lacks it.
 */
public enum EighAlgorithm {
    /** The backend's per-size choice. */
    AUTO,
    /** Cyclic Jacobi rotations (cpu); one thread block per matrix in shared memory (cuda). Small n. */
    JACOBI,
    /** Householder tridiagonalisation + implicit QL with Wilkinson shifts (java, cpu). */
    TRIDIAGONAL_QL,
    /** LAPACK ?syevd, divide and conquer (cpu). */
    SYEVD,
    /** LAPACK ?syevr, MRRR (cpu). */
    SYEVR,
    /**
     * Two-stage reduction (dense to band with blocked Householder panels, band to tridiagonal by bulge chasing),
     * divide and conquer on the tridiagonal, and both back-transformations as blocked products; eigenvalues only,
     * bisection on the tridiagonal (?sterf without AVX-512) (cpu; on java a plain version of the same reductions,
     * implicit QL on the tridiagonal, reflectors applied one at a time). For large n; AUTO takes it for
     * eigenvalues only from n = 768 (3072 f64 / 4096 f32 without AVX-512).
     */
    TWO_STAGE,
    /**
     * One-stage Householder tridiagonalisation (ours on both cores from n = 768 with AVX-512, else LAPACK ?sytrd),
     * divide and conquer (split at the top on both cores from n = 256 with our merge, else ?stedc), and our own
     * blocked back-transformation in place of ?syevd's ?ormtr (cpu); eigenvalues only, our vectorised bisection on
     * the tridiagonal on both cores (?sterf without AVX-512). Mid to large n: AUTO takes it with vectors from n =
     * 256 at every size, and for eigenvalues only from 256 to 767 with AVX-512.
     */
    TRIDIAGONAL_DC,
    /** cuSOLVER cusolverDnXsyevBatched (cuda). */
    CUSOLVER_BATCHED,
    /** cuSOLVER cusolverDnXsyevd, one matrix at a time (cuda). */
    CUSOLVER_SYEVD;

    /** The lower-case name used on the command line and in reports, e.g. {@code tridiagonal_ql}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a name in any case, with '-' or '_'. */
    public static EighAlgorithm parse(String text) {
        String key = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (EighAlgorithm a : values()) {
            if (a.name().equals(key)) {
                return a;
            }
        }
        throw new IllegalArgumentException("algorithm: '" + text + "' is not one of " + java.util.Arrays.toString(values()));
    }
}
