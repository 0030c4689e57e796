package org.eigenbasis.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.verify.Accuracy;
import org.eigenbasis.verify.Invariants;

/** Assertions over {@link Invariants} with messages that say which matrix failed and by how much. */
public final class EighChecks {
    private EighChecks() {
    }

    /**
     * Every invariant for every matrix: LAPACK's residual and orthogonality ratios (xSYT21) within the limits
     * {@link Accuracy} gives the algorithm that ran, eigenvalues ascending, canonical signs, info 0.
     */
    public static void assertValid(BatchedMatrix a, EighResult r, String label) {
        EighAlgorithm algorithm = r.algorithm();
        int n = a.rows();
        double unit = Math.max(n, 1) * a.dtype().epsilon();
        double residualLimit = Accuracy.residualLimit(algorithm);
        double orthogonalityLimit = Accuracy.orthogonalityLimit(algorithm);
        assertEquals(a.batch(), r.batch(), label + ": batch");
        assertEquals(n, r.n(), label + ": n");
        for (int b = 0; b < a.batch(); b++) {
            String where = label + " matrix " + b + " (" + algorithm.cliName() + ")";
            double res = Invariants.residual(a, r, b) / unit;
            double orth = Invariants.orthogonality(r.vectors(), b) / unit;
            assertTrue(res <= residualLimit, where + ": residual ratio " + res + " n ulp > " + residualLimit);
            assertTrue(orth <= orthogonalityLimit, where + ": orthogonality ratio " + orth + " n ulp > "
                    + orthogonalityLimit);
            assertTrue(Invariants.ascending(r, b), where + ": eigenvalues not ascending");
            assertTrue(Invariants.canonicalSigns(r, b), where + ": eigenvector signs are not canonical");
        }
        assertTrue(r.converged(), label + ": failed indices " + Arrays.toString(r.failedIndices()));
    }
}
