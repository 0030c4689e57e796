package org.eigenbasis.precond;

import static org.eigenbasis.precond.Batches.allFinite;
import static org.eigenbasis.precond.Batches.gather;
import static org.eigenbasis.precond.Batches.gatherRows;
import static org.eigenbasis.precond.Batches.identities;
import static org.eigenbasis.precond.Batches.matrix;
import static org.eigenbasis.precond.Batches.range;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.eigenbasis.linalg.EigenbasisRefresh;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.FailurePolicy;
import org.eigenbasis.linalg.RefreshResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * Recomputes the bases of the factored dims from their factors, by the spec's {@link PreconditionerSpec.Refresh}:
 * a full eigendecomposition (EIGH; f32 failures retried in f64), SOAP's sort-then-one-QR step (POWER_QR), or
 * Purifying Shampoo's adaptive QR iterations while the off-diagonal error exceeds τ (ADAPTIVE). Failures are
 * data here (a null basis with its reason); {@link BasisCommit} applies the failure policy and moves the moments.
 */
final class BasisRefresh {
    private static final EighOptions EIGH = EighOptions.defaults().withFailurePolicy(FailurePolicy.REPORT);
    /** SOAP's reference adds 1e-30·I before its eigendecomposition (representable in f32). */
    private static final double EIGH_SHIFT = 1e-30;

    private final BlockState state;
    private final PreconditionerSpec spec;
    private final SymmetricEigen eigen;
    private final EigenbasisRefresh refresher;
    private final BasisCommit commit;

    BasisRefresh(BlockState state, SymmetricEigen eigen, EigenbasisRefresh refresher, BasisCommit commit) {
        this.state = state;
        this.spec = state.spec;
        this.eigen = eigen;
        this.refresher = refresher;
        this.commit = commit;
    }

    /** The first bases: an eigendecomposition of every factor, whatever the refresh method. */
    void initialBases() {
        for (int k = 0; k < state.dims.length; k++) {
            if (state.factored[k]) {
                eighRefresh(k);
            }
        }
    }

    /** One scheduled refresh of every factored dim. */
    void refresh() {
        for (int k = 0; k < state.dims.length; k++) {
            if (!state.factored[k]) {
                continue;
            }
            switch (spec.refresh()) {
                case EIGH -> eighRefresh(k);
                case POWER_QR -> powerQrRefresh(k);
                case ADAPTIVE -> {
                    if (spec.tolerance() == 0) {
                        eighRefresh(k);
                    } else {
                        adaptiveRefresh(k);
                    }
                }
            }
        }
    }

    /** Full eigendecomposition of factor k (+1e-30·I), descending; f32 failures retried in f64. */
    private void eighRefresh(int k) {
        int[] all = range(state.batch);
        double[][] newQ = new double[state.batch][];
        double[][] newEig = new double[state.batch][];
        String[] why = new String[state.batch];
        BatchedMatrix f = gather(state.factor[k], all);
        for (int b = 0; b < state.batch; b++) {
            for (int i = 0; i < state.dims[k]; i++) {
                f.set(b, i, i, f.get(b, i, i) + EIGH_SHIFT);
            }
        }
        decompose(f, all, newQ, newEig, why);
        int[] failed = IntStream.range(0, newQ.length).filter(i -> newQ[i] == null).toArray();
        if (failed.length > 0 && state.dtype == DType.F32) {
            BatchedMatrix retry = gather(f, failed).convert(DType.F64);
            double[][] q64 = new double[failed.length][];
            double[][] e64 = new double[failed.length][];
            String[] why64 = new String[failed.length];
            decompose(retry, range(failed.length), q64, e64, why64);
            for (int i = 0; i < failed.length; i++) {
                newQ[failed[i]] = q64[i];
                newEig[failed[i]] = e64[i];
                why[failed[i]] = why64[i] == null ? null : why[failed[i]] + "; retried in f64: " + why64[i];
            }
        }
        commit.commitAll(k, newQ, newEig, why);
    }

    /** Eigenvectors of every matrix of f as columns by descending eigenvalue, into newQ/newEig at {@code which}. */
    private void decompose(BatchedMatrix f, int[] which, double[][] newQ, double[][] newEig, String[] why) {
        int d = f.rows();
        try (EighResult r = eigen.decompose(f, EIGH)) {
            for (int i = 0; i < which.length; i++) {
                int b = which[i];
                if (r.info()[i] != 0) {
                    why[b] = "eigh did not converge (info " + r.info()[i] + ")";
                    continue;
                }
                double[] vectors = matrix(r.vectors(), i);
                double[] values = r.valuesOf(i);
                double[] q = new double[d * d];
                double[] e = new double[d];
                for (int j = 0; j < d; j++) {
                    e[j] = values[d - 1 - j];
                    for (int row = 0; row < d; row++) {
                        q[row * d + j] = vectors[row * d + (d - 1 - j)];
                    }
                }
                if (!allFinite(q) || !allFinite(e)) {
                    why[b] = "eigh returned non-finite values";
                    continue;
                }
                newQ[b] = q;
                newEig[b] = e;
            }
        } catch (RuntimeException e) {
            for (int b : which) {
                why[b] = "eigh failed: " + e.getMessage();
            }
        }
    }

    /** SOAP: sort Q's columns by descending Rayleigh quotient (unless KEEP), permute V (PERMUTE), Q ← qr(F Q). */
    private void powerQrRefresh(int k) {
        int batch = state.batch;
        double[][] newQ = new double[batch][];
        double[][] newEig = new double[batch][];
        String[] why = new String[batch];
        BatchedMatrix permutation = identities(state.dtype, batch, state.dims[k]);
        try (RefreshResult probe = refresher.refresh(state.factor[k], state.basis[k], 0)) {
            BatchedMatrix sorted = sortColumns(k, probe.rayleigh(), range(batch), state.basis[k], permutation);
            try (RefreshResult r = refresher.refresh(state.factor[k], sorted, 1)) {
                for (int b = 0; b < batch; b++) {
                    double[] q = matrix(r.basis(), b);
                    double[] e = matrix(r.rayleigh(), b);
                    state.lastOff[state.slot(k, b)] = Double.doubleToRawLongBits(r.offDiagonal(b));
                    if (allFinite(q) && allFinite(e)) {
                        newQ[b] = q;
                        newEig[b] = e;
                        state.iterations[state.slot(k, b)]++;
                    } else {
                        why[b] = "QR refresh returned non-finite values";
                    }
                }
            }
        } catch (RuntimeException e) {
            Arrays.fill(newQ, null);
            Arrays.fill(why, "QR refresh failed: " + e.getMessage());
        }
        boolean[] all = new boolean[batch];
        Arrays.fill(all, true);
        commit.commit(k, newQ, newEig, why, all, permutation);
    }

    /** Purifying Shampoo: blocks whose off-diagonal error exceeds τ get QR iterations until it falls below τ. */
    private void adaptiveRefresh(int k) {
        int batch = state.batch;
        double tau = spec.tolerance();
        double[][] newQ = new double[batch][];
        double[][] newEig = new double[batch][];
        String[] why = new String[batch];
        boolean[] touched = new boolean[batch];
        BatchedMatrix permutation = identities(state.dtype, batch, state.dims[k]);
        try (RefreshResult probe = refresher.refresh(state.factor[k], state.basis[k], 0)) {
            int[] need = IntStream.range(0, batch).filter(b -> probe.offDiagonal(b) > tau).toArray();
            for (int b = 0; b < batch; b++) {
                state.lastOff[state.slot(k, b)] = Double.doubleToRawLongBits(probe.offDiagonal(b));
                if (probe.offDiagonal(b) <= tau) {
                    state.skipped[state.slot(k, b)]++;
                } else {
                    touched[b] = true;
                }
            }
            if (need.length == 0) {
                return;
            }
            BatchedMatrix q = sortColumns(k, probe.rayleigh(), need, gather(state.basis[k], need), permutation);
            iterate(k, need, q, newQ, newEig, why);
        } catch (RuntimeException e) {
            Arrays.fill(newQ, null);
            Arrays.fill(why, "QR refresh failed: " + e.getMessage());
            Arrays.fill(touched, true);
        }
        commit.commit(k, newQ, newEig, why, touched, permutation);
    }

    /**
     * QR iterations of the blocks {@code need} from the sorted bases q until each one's error is ≤ τ or
     * maxIterations. Each block leaves the active set when it converges, independently of the others in the
     * batch, so batching never changes a block's result.
     */
    private void iterate(int k, int[] need, BatchedMatrix q, double[][] newQ, double[][] newEig, String[] why) {
        double tau = spec.tolerance();
        double[][] lastQ = new double[need.length][];
        double[][] lastE = new double[need.length][];
        int[] active = range(need.length);
        for (int it = 0; it < spec.maxIterations() && active.length > 0; it++) {
            int[] blocks = new int[active.length];
            for (int i = 0; i < active.length; i++) {
                blocks[i] = need[active[i]];
            }
            BatchedMatrix qa = it == 0 ? q : gatherRows(state.dtype, lastQ, active, state.dims[k]);
            try (RefreshResult r = refresher.refresh(gather(state.factor[k], blocks), qa, 1)) {
                int[] still = new int[active.length];
                int count = 0;
                for (int i = 0; i < active.length; i++) {
                    int b = need[active[i]];
                    state.iterations[state.slot(k, b)]++;
                    state.lastOff[state.slot(k, b)] = Double.doubleToRawLongBits(r.offDiagonal(i));
                    lastQ[active[i]] = matrix(r.basis(), i);
                    lastE[active[i]] = matrix(r.rayleigh(), i);
                    if (!(r.offDiagonal(i) <= tau) && allFinite(lastQ[active[i]])) {
                        still[count++] = active[i];
                    }
                }
                active = Arrays.copyOf(still, count);
            }
        }
        for (int i = 0; i < need.length; i++) {
            if (allFinite(lastQ[i]) && allFinite(lastE[i])) {
                newQ[need[i]] = lastQ[i];
                newEig[need[i]] = lastE[i];
            } else {
                why[need[i]] = "QR refresh returned non-finite values";
            }
        }
    }

    /**
     * For blocks {@code which}: their bases (q, one matrix per entry of which) with columns in descending order of
     * the Rayleigh quotients (stable: ties keep their order) unless the policy is KEEP. The permutation matrices
     * P (Q_sorted = Q P) are written into {@code permutation} at the blocks' indices, for {@link BasisCommit}.
     */
    private BatchedMatrix sortColumns(int k, BatchedMatrix rayleigh, int[] which, BatchedMatrix q,
                                      BatchedMatrix permutation) {
        if (spec.basisChange() == BasisChangePolicy.KEEP) {
            return q;
        }
        int d = state.dims[k];
        BatchedMatrix sorted = BatchedMatrix.zeros(state.dtype, which.length, d, d);
        for (int i = 0; i < which.length; i++) {
            double[] est = matrix(rayleigh, which[i]);
            Integer[] order = new Integer[d];
            for (int j = 0; j < d; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (x, y) -> Double.compare(est[y], est[x]));
            double[] old = matrix(q, i);
            double[] out = new double[d * d];
            double[] p = new double[d * d];
            for (int j = 0; j < d; j++) {
                p[order[j] * d + j] = 1;
                for (int row = 0; row < d; row++) {
                    out[row * d + j] = old[row * d + order[j]];
                }
            }
            sorted.copyMatrixFrom(i, out, 0);
            permutation.copyMatrixFrom(which[i], p, 0);
        }
        return sorted;
    }
}
