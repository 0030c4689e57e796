package org.eigenbasis.precond;

import static org.eigenbasis.precond.Batches.identities;
import static org.eigenbasis.precond.Batches.matrix;

import java.util.Arrays;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.value.BatchedMatrix;

/**
 * Adopts the bases a refresh proposes for one view dim, under the failure policy: a block whose refresh failed
 * keeps its previous basis and counts a failure; {@code maxConsecutiveFailures} failures of one factor in a row
 * raise {@link PreconditionerFailureException}. The moments follow the basis: the first moment exactly
 * (M ← M ×_k Rᵀ, R = QᵀQ'), the second per the {@link BasisChangePolicy}.
 */
final class BasisCommit {
    private final BlockState s;
    private final PreconditionerSpec spec;
    private final PreconditionerKernel kernel;

    BasisCommit(BlockState state, PreconditionerKernel kernel) {
        this.s = state;
        this.spec = state.spec;
        this.kernel = kernel;
    }

    /** {@link #commit(int, double[][], double[][], String[], boolean[], BatchedMatrix)} for every block, unsorted. */
    void commitAll(int k, double[][] newQ, double[][] newEig, String[] why) {
        boolean[] touched = new boolean[s.batch];
        Arrays.fill(touched, true);
        commit(k, newQ, newEig, why, touched, null);
    }

    /**
     * Adopts the new bases of dim k (null entries: the refresh failed, the previous basis is kept; {@code why}
     * says why), carries the first moment over exactly, applies the basis-change policy to V (PERMUTE: the column
     * permutation of the refresh, if any) and counts. Blocks not {@code touched} were not refreshed and are not
     * counted.
     *
     * @param permutation B × d × d: P with Q_sorted = Q P for the blocks whose columns were sorted, the identity
     *                    elsewhere; null when no columns were sorted
     */
    void commit(int k, double[][] newQ, double[][] newEig, String[] why, boolean[] touched,
                BatchedMatrix permutation) {
        int d = s.dims[k];
        if (!countAndCheck(k, newQ, why, touched)) {
            return;
        }
        BatchedMatrix proposed = BatchedMatrix.zeros(s.dtype, s.batch, d, d);
        proposed.copyFrom(s.basis[k]);
        for (int b = 0; b < s.batch; b++) {
            if (newQ[b] != null) {
                proposed.copyMatrixFrom(b, newQ[b], 0);
                s.eig[k].copyMatrixFrom(b, newEig[b], 0);
            }
        }
        BatchedMatrix r = BatchedMatrix.zeros(s.dtype, s.batch, d, d);
        kernel.rotate(s.basis[k], true, proposed, null, false, r);
        double[] identity = matrix(identities(s.dtype, s.batch, d), 0);
        for (int b = 0; b < s.batch; b++) {
            if (newQ[b] == null) {
                r.copyMatrixFrom(b, identity, 0);
            }
        }
        if (s.m != null) {
            s.m.copyFrom(TensorLayout.modeProduct(kernel, s.m, s.dims, k, r, true));
        }
        if (s.v != null) {
            changeSecondMoment(k, newQ, r, permutation, identity);
        }
        s.basis[k].copyFrom(proposed);
    }

    /** Counts successes and failures of the touched blocks; true when any block has a new basis. */
    private boolean countAndCheck(int k, double[][] newQ, String[] why, boolean[] touched) {
        boolean any = false;
        for (int b = 0; b < s.batch; b++) {
            if (!touched[b]) {
                continue;
            }
            int c = s.slot(k, b);
            if (newQ[b] == null) {
                s.failures[c]++;
                s.consecutive[c]++;
                if (s.consecutive[c] >= spec.maxConsecutiveFailures()) {
                    throw new PreconditionerFailureException(spec.name() + ": the basis of parameter '"
                            + s.params.get(b).name() + "' along dim " + k + " (size " + s.dims[k] + ") failed "
                            + s.consecutive[c] + " times in a row (maxConsecutiveFailures = "
                            + spec.maxConsecutiveFailures() + "); last cause: " + why[b]);
                }
            } else {
                s.consecutive[c] = 0;
                s.refreshes[c]++;
                any = true;
            }
        }
        return any;
    }

    /** V after the basis change R of dim k, per the policy (identity rows in r for blocks that kept theirs). */
    private void changeSecondMoment(int k, double[][] newQ, BatchedMatrix r, BatchedMatrix permutation,
                                    double[] identity) {
        int d = s.dims[k];
        switch (spec.basisChange()) {
            case PERMUTE -> {
                if (permutation != null) {
                    for (int b = 0; b < s.batch; b++) {
                        if (newQ[b] == null) {
                            permutation.copyMatrixFrom(b, identity, 0);
                        }
                    }
                    s.v.copyFrom(TensorLayout.modeProduct(kernel, s.v, s.dims, k, permutation, true));
                }
            }
            case ROTATE -> {
                BatchedMatrix squared = BatchedMatrix.zeros(s.dtype, s.batch, d, d);
                double[] buf = new double[d * d];
                for (int b = 0; b < s.batch; b++) {
                    r.copyMatrixTo(b, buf, 0);
                    for (int i = 0; i < buf.length; i++) {
                        buf[i] *= buf[i];
                    }
                    squared.copyMatrixFrom(b, buf, 0);
                }
                s.v.copyFrom(TensorLayout.modeProduct(kernel, s.v, s.dims, k, squared, true));
            }
            case RESET -> {
                double[] zeros = new double[s.size];
                for (int b = 0; b < s.batch; b++) {
                    if (newQ[b] != null) {
                        s.v.copyMatrixFrom(b, zeros, 0);
                        s.age[b] = 0;
                    }
                }
            }
            default -> {
            }
        }
    }
}
