package org.eigenbasis.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.verify.Invariants;

/** Assertions over {@link Invariants} with messages that say which matrix failed and by how much. */
public final class EighChecks {
    private EighChecks() {
    }

    /**
     * Every invariant for every matrix: residual and orthogonality ≤ c·max(n,1)·ε, eigenvalues ascending,
     * canonical signs, info 0.
     */
    public static void assertValid(BatchedMatrix a, EighResult r, double c, String label) {
        int n = a.rows();
        double eps = a.dtype().epsilon();
        double bound = c * Math.max(n, 1) * eps;
        assertEquals(a.batch(), r.batch(), label + ": batch");
        assertEquals(n, r.n(), label + ": n");
        for (int b = 0; b < a.batch(); b++) {
            String where = label + " matrix " + b;
            double res = Invariants.residual(a, r, b);
            double orth = Invariants.orthogonality(r.vectors(), b);
            assertTrue(res <= bound, where + ": residual " + res + " > " + bound + " (" + res / (Math.max(n, 1) * eps) + " n eps)");
            assertTrue(orth <= bound, where + ": orthogonality " + orth + " > " + bound);
            assertTrue(Invariants.ascending(r, b), where + ": eigenvalues not ascending");
            assertTrue(Invariants.canonicalSigns(r, b), where + ": eigenvector signs are not canonical");
        }
        assertTrue(r.converged(), label + ": failed indices " + java.util.Arrays.toString(r.failedIndices()));
    }
}
