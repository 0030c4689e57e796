package org.eigenbasis.linalg;

import java.util.Objects;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.EighRange;
import org.eigenbasis.value.Placement;

/**
 * Options of one {@link SymmetricEigen#decompose} call. Immutable; start from {@link #defaults()} and use the
 * {@code with…} methods.
 *
 * @param computeVectors   false for eigenvalues only (cheaper: about 4/3 n³ instead of about 9 n³)
 * @param symmetryCheck    whether to check symmetry first ({@link SymmetryCheck#NONE}: read the lower triangle only)
 * @param algorithm        {@link EighAlgorithm#AUTO} or a forced algorithm the backend supports
 * @param maxIterations    bound on our own iterative kernels (QL iterations per eigenvalue on average: a budget of maxIterations·n per matrix, as LAPACK's dsteqr; Jacobi sweeps);
 *                         0 = the default (30 and 50); in [0, 10 000]; ignored by LAPACK and cuSOLVER
 * @param failurePolicy    what to do when a matrix fails to converge
 * @param outputPlacement  where results live; null = the input's placement
 * @param range            which eigenpairs ({@link EighRange#all()} by default): a partial range makes the outputs
 *                         B × 1 × m and B × n × m, m = {@link EighRange#columns(int)}
 */
public record EighOptions(boolean computeVectors, SymmetryCheck symmetryCheck, EighAlgorithm algorithm,
                          int maxIterations, FailurePolicy failurePolicy, Placement outputPlacement, EighRange range) {
    public EighOptions {
        Objects.requireNonNull(symmetryCheck, "symmetryCheck");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(failurePolicy, "failurePolicy");
        if (maxIterations < 0 || maxIterations > 10_000) {
            throw new IllegalArgumentException("maxIterations: " + maxIterations + " is outside [0, 10000]");
        }
    }

    /**
     * Values and vectors, no symmetry check, AUTO, default iterations, THROW, results placed like the input, every
     * eigenpair.
     */
    public static EighOptions defaults() {
        return new EighOptions(true, SymmetryCheck.NONE, EighAlgorithm.AUTO, 0, FailurePolicy.THROW, null,
                EighRange.all());
    }

    public EighOptions withVectors(boolean vectors) {
        return new EighOptions(vectors, symmetryCheck, algorithm, maxIterations, failurePolicy, outputPlacement, range);
    }

    public EighOptions withSymmetryCheck(SymmetryCheck check) {
        return new EighOptions(computeVectors, check, algorithm, maxIterations, failurePolicy, outputPlacement, range);
    }

    public EighOptions withAlgorithm(EighAlgorithm forced) {
        return new EighOptions(computeVectors, symmetryCheck, forced, maxIterations, failurePolicy, outputPlacement, range);
    }

    public EighOptions withMaxIterations(int iterations) {
        return new EighOptions(computeVectors, symmetryCheck, algorithm, iterations, failurePolicy, outputPlacement, range);
    }

    public EighOptions withFailurePolicy(FailurePolicy policy) {
        return new EighOptions(computeVectors, symmetryCheck, algorithm, maxIterations, policy, outputPlacement, range);
    }

    public EighOptions withOutputPlacement(Placement placement) {
        return new EighOptions(computeVectors, symmetryCheck, algorithm, maxIterations, failurePolicy, placement, range);
    }

    /**
     * Which eigenpairs to compute ({@link EighRange#all()}, the default, or a partial range: see {@link EighRange}
     * for what each selects and costs). Not null.
     */
    public EighOptions withRange(EighRange selected) {
        return new EighOptions(computeVectors, symmetryCheck, algorithm, maxIterations, failurePolicy, outputPlacement,
                selected);
    }
}
