package org.eigenbasis.precond;

import static org.eigenbasis.precond.Batches.gather;
import static org.eigenbasis.precond.Batches.scatter;
import static org.eigenbasis.precond.Batches.sumOfSquares;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eigenbasis.linalg.EigenbasisRefresh;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.precond.PreconditionerSpec.Diagonal;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * The step of the parameter blocks that share one layout, batched: load G, rotate it into the bases, the diagonal
 * update, rotate back, graft or normalise, update the parameters, then the factor updates and the scheduled
 * refresh. The state is a {@link BlockState}; the refresh and its commit are {@link BasisRefresh} and
 * {@link BasisCommit}; the eigenvalue diagonals are {@link KroneckerDiagonal}; mode products of order ≥ 3 are
 * {@link TensorLayout#modeProduct}. The dense work goes through the backend; the JVM does O(size) elementwise
 * work, permutations of order ≥ 3 tensors and the bookkeeping; kernels accumulate in double.
 */
final class BlockGroup {
    private final BlockState state;
    private final PreconditionerSpec spec;
    private final PreconditionerKernel kernel;
    private final BasisRefresh refresh;
    private final KroneckerDiagonal kronecker;
    /** Per-step scratch, reused: the loaded gradient G and the diagonal update's output (both B × rows × cols). */
    private BatchedMatrix gradientScratch;
    private BatchedMatrix outputScratch;
    private BatchedMatrix rotatedScratch;
    private BatchedMatrix projectedScratch;
    private float[] f32Scratch;

    BlockGroup(PreconditionerSpec spec, BlockRole role, List<Parameter> params, int[] dims, boolean[] factored,
               Backend backend, List<double[][]> fixedBases) {
        this.state = new BlockState(spec, role, params, dims, factored, backend.statePlacement(), fixedBases);
        this.spec = spec;
        this.kernel = backend.preconditioner();
        this.refresh = new BasisRefresh(state, SymmetricEigen.on(backend), EigenbasisRefresh.on(backend),
                new BasisCommit(state, kernel));
        this.kronecker = new KroneckerDiagonal(state, kernel);
    }

    BlockRole role() {
        return state.role;
    }

    List<Parameter> parameters() {
        return state.params;
    }

    // ---- the step ----------------------------------------------------------------------------------------------

    /** One step of every block; the gradients have been validated (present, right size, finite). */
    void step(Gradients gradients, double lr) {
        BatchedMatrix g = loadGradient(gradients);
        boolean refreshable = state.refreshable();
        boolean after = spec.updateFactorsAfterStep();
        boolean initialiseAfter = false;
        long[] counters = state.counters;
        if (counters[BlockState.INITIALIZED] == 0) {
            counters[BlockState.INITIALIZED] = 1;
            if (refreshable && (spec.skipFirstStep() || !after)) {
                updateFactors(g, gradients, true);
                refresh.initialBases();
            }
            if (spec.skipFirstStep()) {
                return;
            }
            // Factors updated after the step and no initialising call: the first step runs in the identity basis,
            // then the factors and bases are initialised, so the current gradient never enters its own projection.
            initialiseAfter = after;
        } else if (refreshable && !after) {
            updateFactors(g, gradients, false);
            if ((counters[BlockState.STEP] + 1) % spec.precondFrequency() == 0) {
                refresh.refresh();
            }
        }
        long t = ++counters[BlockState.STEP];
        for (int b = 0; b < state.batch; b++) {
            state.age[b]++;
        }
        double[] scale = new double[state.batch];
        BatchedMatrix u = direction(g, gradients, t, scale);
        apply(u, scale, lr);
        if (refreshable && after) {
            updateFactors(g, gradients, initialiseAfter);
            if (initialiseAfter) {
                refresh.initialBases();
            } else if (t % spec.precondFrequency() == 0) {
                refresh.refresh();
            }
        }
    }

    /** G in the group's reused scratch (valid until the next step; nothing keeps it across steps). */
    private BatchedMatrix loadGradient(Gradients gradients) {
        if (gradientScratch == null) {
            gradientScratch = state.zeros();
        }
        BatchedMatrix g = gradientScratch;
        int size = state.size;
        double[] buf = null;
        boolean l2 = spec.weightDecayMode() == WeightDecayMode.L2 && spec.weightDecay() > 0;
        for (int b = 0; b < state.batch; b++) {
            Parameter p = state.params.get(b);
            if (!l2 && state.dtype == DType.F32) {
                g.floatBuffer().put(b * size, gradients.f32(p.name()), 0, size);   // bulk: no widening round trip
                continue;
            }
            if (!l2 && state.dtype == DType.F64) {
                g.doubleBuffer().put(b * size, gradients.f64(p.name()), 0, size);
                continue;
            }
            if (buf == null) {
                buf = new double[size];
            }
            if (state.dtype == DType.F64) {
                System.arraycopy(gradients.f64(p.name()), 0, buf, 0, size);
            } else {
                float[] f = gradients.f32(p.name());
                for (int i = 0; i < size; i++) {
                    buf[i] = f[i];
                }
            }
            if (l2) {
                for (int i = 0; i < size; i++) {
                    buf[i] += spec.weightDecay() * p.get(i);
                }
            }
            g.copyMatrixFrom(b, buf, 0);
        }
        return g;
    }

    /** The update direction U (B × rows × cols) and per-block scale: p ← p − lr·scale_b·U_b. */
    private BatchedMatrix direction(BatchedMatrix g, Gradients gradients, long t, double[] scale) {
        BatchedMatrix rotated = project(g, false);
        if (outputScratch == null) {
            outputScratch = state.zeros();
        }
        BatchedMatrix out = outputScratch;   // the diagonal update overwrites every entry
        double beta1 = spec.beta1();
        BatchedMatrix first = beta1 > 0 ? state.m : null;
        double c1 = spec.biasCorrection() && beta1 > 0 ? 1 - Math.pow(beta1, t) : 1;
        switch (state.diagonal) {
            case SECOND_MOMENT -> {
                double beta2 = spec.beta2();
                boolean correct2 = spec.biasCorrection() && beta2 < 1;
                double gamma = beta2 == 1 ? 1 : 1 - beta2;
                double[] eps = new double[state.batch];
                for (int b = 0; b < state.batch; b++) {
                    double c2 = correct2 ? 1 - Math.pow(beta2, state.age[b]) : 1;
                    eps[b] = spec.epsAfterBiasCorrection() ? spec.eps() * Math.sqrt(c2) : spec.eps();
                    scale[b] = Math.sqrt(c2) / c1;
                }
                diagonalUpdate(rotated, first, state.v, beta1, beta2, gamma, spec.exponent(), eps, out);
            }
            case EIGENVALUE_ROOTS, KRONECKER_EIGENVALUES, EKFAC -> {
                if (state.diagonal == Diagonal.EKFAC) {
                    kronecker.updateCorrectedEigenvalues(gradients);
                }
                BatchedMatrix denominator = kronecker.denominators();
                double[] zero = new double[state.batch];
                diagonalUpdate(rotated, first, denominator, beta1, 1, 0, 1, zero, out);
                Arrays.fill(scale, 1 / c1);
            }
        }
        BatchedMatrix u = project(out, true);
        if (spec.normalizeUpdate()) {
            normalize(u);
        }
        if (state.diagonal == Diagonal.EIGENVALUE_ROOTS && state.role != BlockRole.LAYER
                && spec.basis() != PreconditionerSpec.Basis.LAYER_FACTORS) {
            return graft(g, u, t, scale);
        }
        return u;
    }

    /** SOAP's normalize_grads: U ← U / (1e-30 + RMS(U)) per block. */
    private void normalize(BatchedMatrix u) {
        double[] buf = new double[state.size];
        for (int b = 0; b < state.batch; b++) {
            u.copyMatrixTo(b, buf, 0);
            double rms = Math.sqrt(sumOfSquares(buf) / state.size);
            for (int i = 0; i < state.size; i++) {
                buf[i] = buf[i] / (1e-30 + rms);
            }
            u.copyMatrixFrom(b, buf, 0);
        }
    }

    /** Shampoo's norm grafting; before start_preconditioning_step the grafting direction alone. */
    private BatchedMatrix graft(BatchedMatrix g, BatchedMatrix p, long t, double[] scale) {
        Grafting grafting = spec.grafting();
        boolean started = t >= spec.startPreconditioningStep();
        int batch = state.batch;
        if (grafting == Grafting.NONE) {
            if (started) {
                return p;
            }
            Arrays.fill(scale, 1);
            return g;
        }
        BatchedMatrix d;
        double[] graftScale = new double[batch];
        Arrays.fill(graftScale, 1);
        if (grafting == Grafting.SGD) {
            d = g;
        } else {
            d = BatchedMatrix.zeros(state.dtype, batch, state.rows, state.cols);
            double gb = spec.graftBeta2();
            double[] eps = new double[batch];
            Arrays.fill(eps, spec.graftEps());
            switch (grafting) {
                case ADAGRAD -> diagonalUpdate(g, null, state.graftV, 0, 1, 1, 0.5, eps, d);
                case RMSPROP -> diagonalUpdate(g, null, state.graftV, 0, gb, 1 - gb, 0.5, eps, d);
                default -> {
                    double beta1 = spec.beta1();
                    double c1 = beta1 > 0 ? 1 - Math.pow(beta1, t) : 1;
                    double c2 = 1 - Math.pow(gb, t);
                    Arrays.fill(eps, spec.graftEps() * Math.sqrt(c2));
                    diagonalUpdate(g, state.graftM, state.graftV, beta1, gb, 1 - gb, 0.5, eps, d);
                    Arrays.fill(graftScale, Math.sqrt(c2) / c1);
                }
            }
        }
        if (!started) {
            System.arraycopy(graftScale, 0, scale, 0, batch);
            return d;
        }
        double[] pb = new double[state.size];
        double[] db = new double[state.size];
        for (int b = 0; b < batch; b++) {
            p.copyMatrixTo(b, pb, 0);
            d.copyMatrixTo(b, db, 0);
            double pn = Math.sqrt(sumOfSquares(pb));
            double dn = Math.sqrt(sumOfSquares(db)) * graftScale[b];
            scale[b] = pn > 0 ? dn / pn : 0;
        }
        return p;
    }

    /** p ← p − lr·scale_b·U_b with decoupled weight decay before or after, computed in double, stored once. */
    private void apply(BatchedMatrix u, double[] scale, double lr) {
        double wd = spec.weightDecay();
        WeightDecayMode mode = spec.weightDecayMode();
        boolean decoupled = mode == WeightDecayMode.DECOUPLED && wd > 0;
        boolean after = mode == WeightDecayMode.DECOUPLED_AFTER_UPDATE && wd > 0;
        int size = state.size;
        if (u.dtype() == DType.F32 && state.dtype == DType.F32) {
            // Same arithmetic as the general loop below (double, rounded once on store), on the arrays directly.
            if (f32Scratch == null) {
                f32Scratch = new float[size];
            }
            float[] ub = f32Scratch;
            for (int b = 0; b < state.batch; b++) {
                u.floatBuffer().get(b * size, ub, 0, size);
                applyF32(state.params.get(b).f32(), ub, lr * scale[b], decoupled, after, lr * wd);
            }
            return;
        }
        double[] buf = new double[size];
        for (int b = 0; b < state.batch; b++) {
            Parameter p = state.params.get(b);
            u.copyMatrixTo(b, buf, 0);
            double step = lr * scale[b];
            for (int i = 0; i < size; i++) {
                double x = p.get(i);
                if (decoupled) {
                    x = x * (1 - lr * wd);
                }
                x = x - step * buf[i];
                if (after) {
                    x = x + (-lr * wd) * x;
                }
                p.set(i, x);
            }
        }
    }

    /**
     * The general loop's arithmetic (in double, rounded once on store) on f32 arrays, one loop per weight-decay
     * mode: with the two loop-invariant mode tests inside one loop, C2 compiled it at half speed in most JVM runs
     * (AdamW 1024 × 1024 f32: 4.3 ms a step instead of 2.2).
     */
    private static void applyF32(float[] w, float[] u, double step, boolean decoupled, boolean after,
                                 double lrTimesWd) {
        int size = w.length;
        if (decoupled) {
            double keep = 1 - lrTimesWd;
            for (int i = 0; i < size; i++) {
                w[i] = (float) (w[i] * keep - step * u[i]);
            }
        } else if (after) {
            double decay = -lrTimesWd;
            for (int i = 0; i < size; i++) {
                double x = w[i] - step * u[i];
                w[i] = (float) (x + decay * x);
            }
        } else {
            for (int i = 0; i < size; i++) {
                w[i] = (float) (w[i] - step * u[i]);
            }
        }
    }

    /**
     * The kernel's fused update with a per-block ε: one call when every block has the same ε (the usual case),
     * else one call per block.
     */
    private void diagonalUpdate(BatchedMatrix g, BatchedMatrix first, BatchedMatrix second, double beta1,
                                double beta2, double gamma, double exponent, double[] eps, BatchedMatrix out) {
        boolean uniform = true;
        for (int b = 1; b < state.batch; b++) {
            uniform &= eps[b] == eps[0];
        }
        if (uniform) {
            kernel.diagonalUpdate(g, first, second, beta1, beta2, gamma, exponent, eps[0], out);
            return;
        }
        for (int b = 0; b < state.batch; b++) {
            int[] one = {b};
            BatchedMatrix gb = gather(g, one);
            BatchedMatrix mb = first == null ? null : gather(first, one);
            BatchedMatrix vb = gather(second, one);
            BatchedMatrix ob = BatchedMatrix.zeros(state.dtype, 1, state.rows, state.cols);
            kernel.diagonalUpdate(gb, mb, vb, beta1, beta2, gamma, exponent, eps[b], ob);
            if (mb != null) {
                scatter(mb, one, first);
            }
            scatter(vb, one, second);
            scatter(ob, one, out);
        }
    }

    /** F_k ← β·F_k + α·G_(k) G_(k)ᵀ per factored dim; K-FAC layers: S and A from the layer statistics. */
    private void updateFactors(BatchedMatrix g, Gradients gradients, boolean first) {
        double beta = spec.factorBeta();
        double alpha = beta == 1 ? 1 : 1 - beta;
        if (first && spec.factorInitFromFirst()) {
            beta = 0;
            alpha = 1;
        }
        if (state.role == BlockRole.LAYER) {
            Parameter p = state.params.get(0);
            Gradients.LayerStatistics st = gradients.layer(p.name());
            int n = st.samples();
            BatchedMatrix a = state.statistics(st.inputs(), n, state.dims[1]);
            BatchedMatrix o = state.statistics(st.outputGradients(), n, state.dims[0]);
            kernel.accumulateFactor(o, false, beta, alpha / n, state.factor[0]);
            kernel.accumulateFactor(a, false, beta, alpha / n, state.factor[1]);
            return;
        }
        for (int k = 0; k < state.dims.length; k++) {
            if (!state.factored[k]) {
                continue;
            }
            if (state.dims.length <= 2) {
                kernel.accumulateFactor(g, k == 0, beta, alpha, state.factor[k]);
            } else {
                kernel.accumulateFactor(TensorLayout.axisToFront(g, state.dims, k), true, beta, alpha, state.factor[k]);
            }
        }
    }

    /**
     * G ×_k Q_kᵀ over the factored dims ({@code back}: ×_k Q_k); a new matrix, x untouched. Without factors the
     * projection is the identity and x itself is returned (callers only read it).
     */
    private BatchedMatrix project(BatchedMatrix x, boolean back) {
        if (!state.hasFactors()) {
            return x;
        }
        if (state.dims.length <= 2) {
            // One rotate call writing every entry of a reused scratch (one per direction: the forward result is
            // still read while the backward one is written).
            if (back && projectedScratch == null) {
                projectedScratch = state.zeros();
            } else if (!back && rotatedScratch == null) {
                rotatedScratch = state.zeros();
            }
            BatchedMatrix out = back ? projectedScratch : rotatedScratch;
            BatchedMatrix left = state.factored[0] ? state.basis[0] : null;
            BatchedMatrix right = state.dims.length == 2 && state.factored[1] ? state.basis[1] : null;
            kernel.rotate(left, !back, x, right, back, out);
            return out;
        }
        BatchedMatrix out = BatchedMatrix.zeros(state.dtype, state.batch, state.rows, state.cols);
        BatchedMatrix y = x;
        for (int k = 0; k < state.dims.length; k++) {
            if (state.factored[k]) {
                y = TensorLayout.modeProduct(kernel, y, state.dims, k, state.basis[k], !back);
            }
        }
        out.copyFrom(y);
        return out;
    }

    // ---- reports, state ----------------------------------------------------------------------------------------

    /** Frees the state and scratch (off-heap memory on native backends). Idempotent. */
    void close() {
        state.close();
        for (BatchedMatrix x : new BatchedMatrix[] {gradientScratch, outputScratch, rotatedScratch, projectedScratch}) {
            if (x != null) {
                x.close();
            }
        }
    }

    void report(List<RefreshReport> out) {
        state.report(out);
    }

    /** The live state, by stable key, for save and load: BatchedMatrix or long[]. */
    void collectState(String prefix, Map<String, Object> out) {
        state.collect(prefix, out);
    }

    /** {@link KroneckerDiagonal#denseCurvature()} of this K-FAC layer: (out·in)², row-major. */
    double[] curvature() {
        return kronecker.denseCurvature();
    }

    /** Elements per block. */
    int blockSize() {
        return state.size;
    }
}
