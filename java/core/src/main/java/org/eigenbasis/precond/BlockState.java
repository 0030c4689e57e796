package org.eigenbasis.precond;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eigenbasis.precond.PreconditionerSpec.Diagonal;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.MemoryBudget;
import org.eigenbasis.value.Placement;

/**
 * The layout and the persistent state of the parameter blocks that share one layout (view dims, factored dims,
 * dtype, role), batched: every tensor is B × … with one matrix per block. Holds what a save must write and a load
 * restore (factors, bases, eigenvalues, moments, counters); the per-step scratch belongs to {@link BlockGroup}.
 * State is kept in the parameters' dtype (f32 or f64, so factors and bases are at least f32) and placed where the
 * backend wants it. Fields are read and written in place by the group's step, refresh and diagonal.
 */
final class BlockState {
    static final int INITIALIZED = 0;
    static final int STEP = 1;

    final PreconditionerSpec spec;
    final BlockRole role;
    /** The spec's diagonal, except EIGENVALUE_ROOTS for the non-layer blocks of a LAYER_FACTORS spec (biases). */
    final Diagonal diagonal;
    final List<Parameter> params;
    final int batch;
    final int[] dims;
    final boolean[] factored;
    final int rows;
    final int cols;
    final int size;
    final DType dtype;
    /** Where the state and the per-step scratch live: the backend's state placement. */
    final Placement placement;

    /** Per view dim: the factor, its basis (columns) and eigenvalues (1 × d), or null where not factored. */
    final BatchedMatrix[] factor;
    final BatchedMatrix[] basis;
    final BatchedMatrix[] eig;
    /** First moment (null when β₁ = 0), second moment or EK-FAC eigenvalues, grafting moments; B × rows × cols. */
    final BatchedMatrix m;
    final BatchedMatrix v;
    final BatchedMatrix graftM;
    final BatchedMatrix graftV;
    /** {@link #INITIALIZED} (0 or 1) and {@link #STEP}. */
    final long[] counters = new long[2];
    /** Steps since block b's second moment was last reset (its bias correction). */
    final long[] age;
    /** Per factor {@link #slot}: the counters of {@link RefreshReport}; lastOff holds raw double bits. */
    final long[] refreshes;
    final long[] skipped;
    final long[] iterations;
    final long[] failures;
    final long[] consecutive;
    final long[] lastOff;

    BlockState(PreconditionerSpec spec, BlockRole role, List<Parameter> params, int[] dims, boolean[] factored,
               Placement placement, List<double[][]> fixedBases) {
        this.spec = spec;
        this.role = role;
        this.params = List.copyOf(params);
        this.batch = params.size();
        this.dims = dims.clone();
        this.factored = factored.clone();
        this.rows = TensorLayout.rows(dims);
        this.cols = TensorLayout.cols(dims);
        this.size = rows * cols;
        this.dtype = params.get(0).dtype();
        this.placement = placement;
        boolean layerSpec = spec.basis() == PreconditionerSpec.Basis.LAYER_FACTORS;
        this.diagonal = layerSpec && role != BlockRole.LAYER ? Diagonal.EIGENVALUE_ROOTS : spec.diagonal();
        int k = dims.length;
        boolean graft = diagonal == Diagonal.EIGENVALUE_ROOTS && spec.grafting() != Grafting.NONE
                && spec.grafting() != Grafting.SGD && !layerSpec;
        boolean[] moments = {spec.beta1() > 0, diagonal == Diagonal.SECOND_MOMENT || diagonal == Diagonal.EKFAC,
            graft, graft && spec.grafting() == Grafting.ADAM && spec.beta1() > 0};
        requireMemory(moments);
        factor = new BatchedMatrix[k];
        basis = new BatchedMatrix[k];
        eig = new BatchedMatrix[k];
        for (int i = 0; i < k; i++) {
            if (!factored[i]) {
                continue;
            }
            int d = dims[i];
            basis[i] = BatchedMatrix.zeros(dtype, batch, d, d, placement);
            for (int b = 0; b < batch; b++) {
                if (role == BlockRole.FIXED) {
                    basis[i].copyMatrixFrom(b, fixedBases.get(b)[i], 0);
                } else {
                    for (int j = 0; j < d; j++) {
                        basis[i].set(b, j, j, 1);
                    }
                }
            }
            if (role != BlockRole.FIXED) {
                factor[i] = BatchedMatrix.zeros(dtype, batch, d, d, placement);
                eig[i] = BatchedMatrix.zeros(dtype, batch, 1, d, placement);
            }
        }
        m = moments[0] ? zeros() : null;
        v = moments[1] ? zeros() : null;
        graftV = moments[2] ? zeros() : null;
        graftM = moments[3] ? zeros() : null;
        age = new long[batch];
        refreshes = new long[k * batch];
        skipped = new long[k * batch];
        iterations = new long[k * batch];
        failures = new long[k * batch];
        consecutive = new long[k * batch];
        lastOff = new long[k * batch];
        Arrays.fill(lastOff, Double.doubleToRawLongBits(Double.NaN));
    }

    /**
     * Refuses, before the first allocation, state larger than the free memory of its placement: per factored
     * dimension of size d, B·d²·s (basis) and, unless the basis is fixed, B·d²·s (factor) + B·d·s (eigenvalues);
     * B·rows·cols·s per moment buffer (first moment, second moment, grafting moments); 8·B·(1 + 6k) heap bytes of
     * counters. s is the scalar size, B the blocks of this group, k the dimensions.
     */
    private void requireMemory(boolean[] moments) {
        String request = "optimizer state of " + batch + " blocks " + Arrays.toString(dims) + " " + dtype.shortName();
        int s = dtype.bytes();
        long bytes = 0;
        for (int i = 0; i < dims.length; i++) {
            if (factored[i]) {
                long d = dims[i];
                bytes = MemoryBudget.sum(request, bytes, MemoryBudget.bytes(request, s, batch, d, d));
                if (role != BlockRole.FIXED) {
                    bytes = MemoryBudget.sum(request, bytes, MemoryBudget.bytes(request, s, batch, d, d),
                            MemoryBudget.bytes(request, s, batch, d));
                }
            }
        }
        for (boolean moment : moments) {
            if (moment) {
                bytes = MemoryBudget.sum(request, bytes, MemoryBudget.bytes(request, s, batch, rows, cols));
            }
        }
        long counters = MemoryBudget.bytes(request, 8, batch, 1 + 6L * dims.length);
        if (placement == Placement.OFF_HEAP) {
            MemoryBudget.require(request, counters, bytes);
        } else {
            MemoryBudget.require(request, MemoryBudget.sum(request, counters, bytes), 0);
        }
    }

    /** A zero B × rows × cols batch in the state's placement. */
    BatchedMatrix zeros() {
        return BatchedMatrix.zeros(dtype, batch, rows, cols, placement);
    }

    /** The index of the counters of dim k of block b. */
    int slot(int k, int b) {
        return k * batch + b;
    }

    boolean hasFactors() {
        for (boolean f : factored) {
            if (f) {
                return true;
            }
        }
        return false;
    }

    /** Whether factors are accumulated and bases refreshed (FIXED and PLAIN keep theirs). */
    boolean refreshable() {
        return role == BlockRole.FACTORED || role == BlockRole.LAYER;
    }

    /** K-FAC layer statistics (samples × width, row-major doubles) as a 1 × samples × width batch of the dtype. */
    BatchedMatrix statistics(double[] data, int samples, int width) {
        BatchedMatrix x = BatchedMatrix.of(data, 1, samples, width);
        return dtype == DType.F64 ? x : x.convert(dtype);
    }

    void report(List<RefreshReport> out) {
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < dims.length; k++) {
                if (factored[k] && role != BlockRole.FIXED) {
                    int c = slot(k, b);
                    out.add(new RefreshReport(params.get(b).name(), k, dims[k], refreshes[c], skipped[c],
                            iterations[c], failures[c], consecutive[c], Double.longBitsToDouble(lastOff[c])));
                }
            }
        }
    }

    /** The live state, by stable key, for save and load: BatchedMatrix or long[]. */
    void collect(String prefix, Map<String, Object> out) {
        for (int k = 0; k < dims.length; k++) {
            if (factored[k]) {
                if (factor[k] != null) {
                    out.put(prefix + "factor" + k, factor[k]);
                    out.put(prefix + "eigenvalues" + k, eig[k]);
                }
                out.put(prefix + "basis" + k, basis[k]);
            }
        }
        putIfPresent(out, prefix + "m", m);
        putIfPresent(out, prefix + "v", v);
        putIfPresent(out, prefix + "graftM", graftM);
        putIfPresent(out, prefix + "graftV", graftV);
        out.put(prefix + "counters", counters);
        out.put(prefix + "age", age);
        out.put(prefix + "refreshes", refreshes);
        out.put(prefix + "skipped", skipped);
        out.put(prefix + "iterations", iterations);
        out.put(prefix + "failures", failures);
        out.put(prefix + "consecutiveFailures", consecutive);
        out.put(prefix + "lastOffDiagonal", lastOff);
    }

    private static void putIfPresent(Map<String, Object> out, String key, BatchedMatrix x) {
        if (x != null) {
            out.put(key, x);
        }
    }

    /** Frees every state tensor (off-heap memory on native backends). Idempotent. */
    void close() {
        for (BatchedMatrix[] all : new BatchedMatrix[][] {factor, basis, eig, {m, v, graftM, graftV}}) {
            for (BatchedMatrix x : all) {
                if (x != null) {
                    x.close();
                }
            }
        }
    }
}
