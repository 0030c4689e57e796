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
    private final BlockState state;
    private final PreconditionerSpec spec;
    private final PreconditionerKernel kernel;

    BasisCommit(BlockState state, PreconditionerKernel kernel) {
        this.state = state;
        this.spec = state.spec;
        this.kernel = kernel;
    }

    /** {@link #commit(int, double[][], double[][], String[], boolean[], BatchedMatrix)} for every block, unsorted. */
    void commitAll(int k, double[][] newQ, double[][] newEig, String[] why) {
        boolean[] touched = new boolean[state.batch];
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
        int d = state.dims[k];
        if (!countAndCheck(k, newQ, why, touched)) {
            return;
        }
        BatchedMatrix proposed = BatchedMatrix.zeros(state.dtype, state.batch, d, d);
        proposed.copyFrom(state.basis[k]);
        for (int b = 0; b < state.batch; b++) {
            if (newQ[b] != null) {
                proposed.copyMatrixFrom(b, newQ[b], 0);
                state.eig[k].copyMatrixFrom(b, newEig[b], 0);
            }
        }
        BatchedMatrix r = BatchedMatrix.zeros(state.dtype, state.batch, d, d);
        kernel.rotate(state.basis[k], true, proposed, null, false, r);
        double[] identity = matrix(identities(state.dtype, state.batch, d), 0);
        for (int b = 0; b < state.batch; b++) {
            if (newQ[b] == null) {
                r.copyMatrixFrom(b, identity, 0);
            }
        }
        if (state.m != null) {
            state.m.copyFrom(TensorLayout.modeProduct(kernel, state.m, state.dims, k, r, true));
        }
        if (state.v != null) {
            changeSecondMoment(k, newQ, r, permutation, identity);
        }
        state.basis[k].copyFrom(proposed);
    }

    /** Counts successes and failures of the touched blocks; true when any block has a new basis. */
    private boolean countAndCheck(int k, double[][] newQ, String[] why, boolean[] touched) {
        boolean any = false;
        for (int b = 0; b < state.batch; b++) {
            if (!touched[b]) {
                continue;
            }
            int c = state.slot(k, b);
            if (newQ[b] == null) {
                state.failures[c]++;
                state.consecutive[c]++;
                if (state.consecutive[c] >= spec.maxConsecutiveFailures()) {
                    throw new PreconditionerFailureException(spec.name() + ": the basis of parameter '"
                            + state.params.get(b).name() + "' along dim " + k + " (size " + state.dims[k] + ") failed "
                            + state.consecutive[c] + " times in a row (maxConsecutiveFailures = "
                            + spec.maxConsecutiveFailures() + "); last cause: " + why[b]);
                }
            } else {
                state.consecutive[c] = 0;
                state.refreshes[c]++;
                any = true;
            }
        }
        return any;
    }

    /** V after the basis change R of dim k, per the policy (identity rows in r for blocks that kept theirs). */
    private void changeSecondMoment(int k, double[][] newQ, BatchedMatrix r, BatchedMatrix permutation,
                                    double[] identity) {
        int d = state.dims[k];
        switch (spec.basisChange()) {
            case PERMUTE -> {
                if (permutation != null) {
                    for (int b = 0; b < state.batch; b++) {
                        if (newQ[b] == null) {
                            permutation.copyMatrixFrom(b, identity, 0);
                        }
                    }
                    state.v.copyFrom(TensorLayout.modeProduct(kernel, state.v, state.dims, k, permutation, true));
                }
            }
            case ROTATE -> {
                BatchedMatrix squared = BatchedMatrix.zeros(state.dtype, state.batch, d, d);
                double[] buf = new double[d * d];
                for (int b = 0; b < state.batch; b++) {
                    r.copyMatrixTo(b, buf, 0);
                    for (int i = 0; i < buf.length; i++) {
                        buf[i] *= buf[i];
                    }
                    squared.copyMatrixFrom(b, buf, 0);
                }
                state.v.copyFrom(TensorLayout.modeProduct(kernel, state.v, state.dims, k, squared, true));
            }
            case RESET -> {
                double[] zeros = new double[state.size];
                for (int b = 0; b < state.batch; b++) {
                    if (newQ[b] != null) {
                        state.v.copyMatrixFrom(b, zeros, 0);
                        state.age[b] = 0;
                    }
                }
            }
            default -> {
            }
        }
    }
}
