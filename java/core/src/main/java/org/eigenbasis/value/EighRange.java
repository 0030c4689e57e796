package org.eigenbasis.value;

/**
 * Which eigenpairs a partial symmetric eigendecomposition returns (issue 16, "partial spectra"). Positions count
 * in ascending order of the eigenvalues, from 0. Immutable; make one with a factory:
 * <ul>
 *   <li>{@link #all()}: every eigenpair, m = n (the default of {@code EighOptions}).</li>
 *   <li>{@link #smallest(int) smallest(k)}: positions [0, k), m = k.</li>
 *   <li>{@link #largest(int) largest(k)}: positions [n − k, n), m = k, still in ascending order.</li>
 *   <li>{@link #indices(int, int) indices(lo, hi)}: positions [lo, hi), half-open, m = hi − lo.</li>
 *   <li>{@link #interval(double, double, int) interval(lo, hi, capacity)}: the eigenvalues in the half-open
 *       (lo, hi], as LAPACK's RANGE = 'V'; m = min(capacity, n) columns, of which the first
 *       min(count, m) hold the smallest eigenvalues of the interval and the rest are NaN; the result's per-matrix
 *       count is the number of eigenvalues in (lo, hi], which may exceed m (then the largest ones are left out).</li>
 * </ul>
 * <b>Cost</b>: on a backend with a partial solver (cpu: LAPACK ?syevr with RANGE = 'I' or 'V') the reduction to
 * tridiagonal form, 4/3 n³ flops, is paid in full; the tridiagonal eigenpairs cost O(n·m) and the
 * back-transformation 2 n² m instead of 2 n³: the 10 largest eigenpairs of a 1024 × 1024 matrix take about a third
 * of a full decomposition's time. Bisection and inverse iteration cost much per eigenpair, so cpu's AUTO takes that
 * path only for n ≥ 32 and m ≤ n/16 (measured), and otherwise solves in full and slices, as java and cuda always
 * do: the cost of a full decomposition, with smaller outputs. The k of {@link #smallest}, {@link #largest} and the bounds of
 * {@link #indices} are checked against n when the call is made ({@link #columns(int)}).
 *
 * @param kind     which of the five selections
 * @param k        the count of {@link Kind#SMALLEST} and {@link Kind#LARGEST}, at least 1; 0 otherwise
 * @param lo       the first position of {@link Kind#INDICES}, at least 0; 0 otherwise
 * @param hi       the position after the last of {@link Kind#INDICES}, above lo; 0 otherwise
 * @param lower    the exclusive lower bound of {@link Kind#INTERVAL}, finite; 0 otherwise
 * @param upper    the inclusive upper bound of {@link Kind#INTERVAL}, finite and above lower; 0 otherwise
 * @param capacity the most eigenpairs an {@link Kind#INTERVAL} returns, at least 1; 0 otherwise
 */
public record EighRange(Kind kind, int k, int lo, int hi, double lower, double upper, int capacity) {
    /** The five selections. */
    public enum Kind {
        /** Every eigenpair. */
        ALL,
        /** The k smallest. */
        SMALLEST,
        /** The k largest. */
        LARGEST,
        /** Positions [lo, hi) in ascending order. */
        INDICES,
        /** Eigenvalues in (lower, upper], at most capacity of them. */
        INTERVAL
    }

    private static final EighRange ALL = new EighRange(Kind.ALL, 0, 0, 0, 0, 0, 0);

    public EighRange {
        java.util.Objects.requireNonNull(kind, "kind");
        switch (kind) {
            case ALL -> requireUnused(kind, k == 0 && lo == 0 && hi == 0 && lower == 0 && upper == 0 && capacity == 0);
            case SMALLEST, LARGEST -> {
                if (k < 1) {
                    throw new IllegalArgumentException("k: " + k + " is outside [1, " + Integer.MAX_VALUE + "]");
                }
                requireUnused(kind, lo == 0 && hi == 0 && lower == 0 && upper == 0 && capacity == 0);
            }
            case INDICES -> {
                if (lo < 0 || lo == Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("lo: " + lo + " is outside [0, " + (Integer.MAX_VALUE - 1) + "]");
                }
                if (hi <= lo) {
                    throw new IllegalArgumentException("hi: " + hi + " is outside [lo + 1 = " + (lo + 1L) + ", "
                            + Integer.MAX_VALUE + "]");
                }
                requireUnused(kind, k == 0 && lower == 0 && upper == 0 && capacity == 0);
            }
            case INTERVAL -> {
                if (!Double.isFinite(lower)) {
                    throw new IllegalArgumentException("lo: " + lower + " is not finite");
                }
                if (!Double.isFinite(upper) || !(upper > lower)) {
                    throw new IllegalArgumentException("hi: " + upper + " is outside (lo = " + lower
                            + ", the largest finite double]");
                }
                if (capacity < 1) {
                    throw new IllegalArgumentException("capacity: " + capacity + " is outside [1, "
                            + Integer.MAX_VALUE + "]");
                }
                requireUnused(kind, k == 0 && lo == 0 && hi == 0);
            }
            default -> throw new AssertionError(kind);
        }
    }

    private static void requireUnused(Kind kind, boolean unusedAreZero) {
        if (!unusedAreZero) {
            throw new IllegalArgumentException("kind: " + kind + " takes only its own fields; the others must be 0"
                    + " (use the factories)");
        }
    }

    /** Every eigenpair. */
    public static EighRange all() {
        return ALL;
    }

    /** The k smallest eigenpairs, k in [1, n]. */
    public static EighRange smallest(int k) {
        return new EighRange(Kind.SMALLEST, k, 0, 0, 0, 0, 0);
    }

    /** The k largest eigenpairs, k in [1, n], returned in ascending order. */
    public static EighRange largest(int k) {
        return new EighRange(Kind.LARGEST, k, 0, 0, 0, 0, 0);
    }

    /** Ascending positions [lo, hi), 0 ≤ lo &lt; hi ≤ n. */
    public static EighRange indices(int lo, int hi) {
        return new EighRange(Kind.INDICES, 0, lo, hi, 0, 0, 0);
    }

    /**
     * The eigenvalues in (lo, hi], finite lo &lt; hi, at most {@code capacity} ≥ 1 of them returned (the smallest);
     * the result's counts say how many the interval holds.
     */
    public static EighRange interval(double lo, double hi, int capacity) {
        return new EighRange(Kind.INTERVAL, 0, 0, 0, lo, hi, capacity);
    }

    /** True for {@link #all()}. */
    public boolean isAll() {
        return kind == Kind.ALL;
    }

    /**
     * The number m of eigenpair columns the outputs of an n × n matrix have: n, k, hi − lo or min(capacity, n).
     * Throws IllegalArgumentException naming k or hi when they do not fit n.
     */
    public int columns(int n) {
        return switch (kind) {
            case ALL -> n;
            case SMALLEST, LARGEST -> {
                if (k > n) {
                    throw new IllegalArgumentException("k: " + k + " is outside [1, n = " + n + "]");
                }
                yield k;
            }
            case INDICES -> {
                if (hi > n) {
                    throw new IllegalArgumentException("hi: " + hi + " is outside [lo + 1 = " + (lo + 1L) + ", n = "
                            + n + "]");
                }
                yield hi - lo;
            }
            case INTERVAL -> Math.min(capacity, n);
        };
    }

    /** The first ascending position selected from an n × n matrix (0 for an interval: positions depend on A). */
    public int first(int n) {
        return switch (kind) {
            case LARGEST -> n - columns(n);
            case INDICES -> lo;
            default -> 0;
        };
    }

    /** For logs and the CLI: {@code all}, {@code smallest 3}, {@code indices [2, 5)}, {@code interval (0.5, 2.0] ≤ 8}. */
    @Override
    public String toString() {
        return switch (kind) {
            case ALL -> "all";
            case SMALLEST -> "smallest " + k;
            case LARGEST -> "largest " + k;
            case INDICES -> "indices [" + lo + ", " + hi + ")";
            case INTERVAL -> "interval (" + lower + ", " + upper + "] at most " + capacity;
        };
    }
}
