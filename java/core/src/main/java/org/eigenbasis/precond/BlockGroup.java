package org.eigenbasis.precond;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eigenbasis.linalg.EigenbasisRefresh;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.FailurePolicy;
import org.eigenbasis.linalg.RefreshResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.precond.PreconditionerSpec.Diagonal;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;

/**
 * The state and the step of the parameter blocks that share one layout (view dims, factored dims, dtype, role),
 * batched: every tensor here is B × … with one matrix per block. The dense work (factor accumulation, rotations,
 * the fused diagonal update, eigendecompositions and refreshes) goes through the backend; the JVM does O(size)
 * elementwise work, permutations of order ≥ 3 tensors and the bookkeeping. State is kept in the parameters' dtype
 * (f32 or f64, so factors and bases are at least f32); kernels accumulate in double.
 */
final class BlockGroup {
    enum Role {
        /** No factors: identity basis. */
        PLAIN,
        /** Factors of the gradient. */
        FACTORED,
        /** K-FAC layer: S (dim 0, out) and A (dim 1, in) from layer statistics. */
        LAYER,
        /** Caller-given bases. */
        FIXED
    }

    private static final EighOptions EIGH = EighOptions.defaults().withFailurePolicy(FailurePolicy.REPORT);
    /** SOAP's reference adds 1e-30·I before its eigendecomposition (representable in f32). */
    private static final double EIGH_SHIFT = 1e-30;
    private static final double DAMPING_FLOOR = 1e-30;
    private static final int INITIALIZED = 0;
    private static final int STEP = 1;

    final PreconditionerSpec spec;
    final Role role;
    final Diagonal diagonal;
    final List<Parameter> params;
    final int batch;
    final int[] dims;
    final boolean[] factored;
    final int rows;
    final int cols;
    final int size;
    final DType dtype;
    /** Where the state and the per-step scratch live: the backend's {@link Backend#statePlacement()}. */
    private final Placement placement;
    private final PreconditionerKernel kernel;
    private final SymmetricEigen eigen;
    private final EigenbasisRefresh refresher;

    private final BatchedMatrix[] factor;
    private final BatchedMatrix[] basis;
    private final BatchedMatrix[] eig;
    private final BatchedMatrix m;
    private final BatchedMatrix v;
    private final BatchedMatrix graftM;
    private final BatchedMatrix graftV;
    private final long[] counters = new long[2];
    private final long[] age;
    private final long[] refreshes;
    private final long[] skipped;
    private final long[] iterations;
    private final long[] failures;
    private final long[] consecutive;
    private final long[] lastOff;
    /** Per-step scratch, reused: the loaded gradient G and the diagonal update's output (both B × rows × cols). */
    private BatchedMatrix gradientScratch;
    private BatchedMatrix outputScratch;
    private BatchedMatrix rotatedScratch;
    private BatchedMatrix projectedScratch;
    private float[] f32Scratch;

    BlockGroup(PreconditionerSpec spec, Role role, List<Parameter> params, int[] dims, boolean[] factored,
               Backend backend, List<double[][]> fixedBases) {
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
        this.placement = backend.statePlacement();
        this.kernel = backend.preconditioner();
        this.eigen = SymmetricEigen.on(backend);
        this.refresher = EigenbasisRefresh.on(backend);
        boolean layerSpec = spec.basis() == PreconditionerSpec.Basis.LAYER_FACTORS;
        this.diagonal = layerSpec && role != Role.LAYER ? Diagonal.EIGENVALUE_ROOTS : spec.diagonal();
        int k = dims.length;
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
                if (role == Role.FIXED) {
                    basis[i].copyMatrixFrom(b, fixedBases.get(b)[i], 0);
                } else {
                    for (int j = 0; j < d; j++) {
                        basis[i].set(b, j, j, 1);
                    }
                }
            }
            if (role != Role.FIXED) {
                factor[i] = BatchedMatrix.zeros(dtype, batch, d, d, placement);
                eig[i] = BatchedMatrix.zeros(dtype, batch, 1, d, placement);
            }
        }
        m = spec.beta1() > 0 ? BatchedMatrix.zeros(dtype, batch, rows, cols, placement) : null;
        v = diagonal == Diagonal.SECOND_MOMENT || diagonal == Diagonal.EKFAC
                ? BatchedMatrix.zeros(dtype, batch, rows, cols, placement) : null;
        boolean graft = diagonal == Diagonal.EIGENVALUE_ROOTS && spec.grafting() != Grafting.NONE
                && spec.grafting() != Grafting.SGD && !layerSpec;
        graftV = graft ? BatchedMatrix.zeros(dtype, batch, rows, cols, placement) : null;
        graftM = graft && spec.grafting() == Grafting.ADAM && spec.beta1() > 0
                ? BatchedMatrix.zeros(dtype, batch, rows, cols, placement) : null;
        age = new long[batch];
        refreshes = new long[k * batch];
        skipped = new long[k * batch];
        iterations = new long[k * batch];
        failures = new long[k * batch];
        consecutive = new long[k * batch];
        lastOff = new long[k * batch];
        Arrays.fill(lastOff, Double.doubleToRawLongBits(Double.NaN));
    }

    boolean hasFactors() {
        for (boolean f : factored) {
            if (f) {
                return true;
            }
        }
        return false;
    }

    // ---- the step ----------------------------------------------------------------------------------------------

    /** One step of every block; the gradients have been validated (present, right size, finite). */
    void step(Gradients gradients, double lr) {
        BatchedMatrix g = loadGradient(gradients);
        boolean refreshable = role == Role.FACTORED || role == Role.LAYER;
        boolean after = spec.updateFactorsAfterStep();
        boolean initialiseAfter = false;
        if (counters[INITIALIZED] == 0) {
            counters[INITIALIZED] = 1;
            if (refreshable && (spec.skipFirstStep() || !after)) {
                updateFactors(g, gradients, true);
                initialBases();
            }
            if (spec.skipFirstStep()) {
                return;
            }
            // Factors updated after the step and no initialising call: the first step runs in the identity basis,
            // then the factors and bases are initialised, so the current gradient never enters its own projection.
            initialiseAfter = after;
        } else if (refreshable && !after) {
            updateFactors(g, gradients, false);
            if ((counters[STEP] + 1) % spec.precondFrequency() == 0) {
                refresh();
            }
        }
        long t = ++counters[STEP];
        for (int b = 0; b < batch; b++) {
            age[b]++;
        }
        double[] scale = new double[batch];
        BatchedMatrix u = direction(g, gradients, t, scale);
        apply(u, scale, lr);
        if (refreshable && after) {
            updateFactors(g, gradients, initialiseAfter);
            if (initialiseAfter) {
                initialBases();
            } else if (t % spec.precondFrequency() == 0) {
                refresh();
            }
        }
    }

    private void initialBases() {
        for (int k = 0; k < dims.length; k++) {
            if (factored[k]) {
                eighRefresh(k);
            }
        }
    }

    /** G in the group's reused scratch (valid until the next step; nothing keeps it across steps). */
    private BatchedMatrix loadGradient(Gradients gradients) {
        if (gradientScratch == null) {
            gradientScratch = BatchedMatrix.zeros(dtype, batch, rows, cols, placement);
        }
        BatchedMatrix g = gradientScratch;
        double[] buf = null;
        boolean l2 = spec.weightDecayMode() == WeightDecayMode.L2 && spec.weightDecay() > 0;
        for (int b = 0; b < batch; b++) {
            Parameter p = params.get(b);
            Object array = gradients.get(p.name());
            if (!l2 && array instanceof float[] f && dtype == DType.F32) {
                g.floatBuffer().put(b * size, f, 0, size);   // bulk copy: no widening round trip
                continue;
            }
            if (!l2 && array instanceof double[] d && dtype == DType.F64) {
                g.doubleBuffer().put(b * size, d, 0, size);
                continue;
            }
            if (buf == null) {
                buf = new double[size];
            }
            if (array instanceof double[] d) {
                System.arraycopy(d, 0, buf, 0, size);
            } else {
                float[] f = (float[]) array;
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
            outputScratch = BatchedMatrix.zeros(dtype, batch, rows, cols, placement);
        }
        BatchedMatrix out = outputScratch;   // the diagonal update overwrites every entry
        double beta1 = spec.beta1();
        BatchedMatrix first = beta1 > 0 ? m : null;
        double c1 = spec.biasCorrection() && beta1 > 0 ? 1 - Math.pow(beta1, t) : 1;
        switch (diagonal) {
            case SECOND_MOMENT -> {
                double beta2 = spec.beta2();
                boolean correct2 = spec.biasCorrection() && beta2 < 1;
                double gamma = beta2 == 1 ? 1 : 1 - beta2;
                double[] eps = new double[batch];
                for (int b = 0; b < batch; b++) {
                    double c2 = correct2 ? 1 - Math.pow(beta2, age[b]) : 1;
                    eps[b] = spec.epsAfterBiasCorrection() ? spec.eps() * Math.sqrt(c2) : spec.eps();
                    scale[b] = Math.sqrt(c2) / c1;
                }
                diagonalUpdate(rotated, first, v, beta1, beta2, gamma, spec.exponent(), eps, out);
            }
            case EIGENVALUE_ROOTS, KRONECKER_EIGENVALUES, EKFAC -> {
                if (diagonal == Diagonal.EKFAC) {
                    updateCorrectedEigenvalues(gradients);
                }
                BatchedMatrix denominator = denominators();
                double[] zero = new double[batch];
                diagonalUpdate(rotated, first, denominator, beta1, 1, 0, 1, zero, out);
                Arrays.fill(scale, 1 / c1);
            }
        }
        BatchedMatrix u = project(out, true);
        if (spec.normalizeUpdate()) {
            double[] buf = new double[size];
            for (int b = 0; b < batch; b++) {
                u.copyMatrixTo(b, buf, 0);
                double rms = Math.sqrt(sumOfSquares(buf) / size);
                for (int i = 0; i < size; i++) {
                    buf[i] = buf[i] / (1e-30 + rms);
                }
                u.copyMatrixFrom(b, buf, 0);
            }
        }
        if (diagonal == Diagonal.EIGENVALUE_ROOTS && role != Role.LAYER
                && spec.basis() != PreconditionerSpec.Basis.LAYER_FACTORS) {
            return graft(g, u, t, scale);
        }
        return u;
    }

    /** Shampoo's norm grafting; before start_preconditioning_step the grafting direction alone. */
    private BatchedMatrix graft(BatchedMatrix g, BatchedMatrix p, long t, double[] scale) {
        Grafting grafting = spec.grafting();
        boolean started = t >= spec.startPreconditioningStep();
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
            d = BatchedMatrix.zeros(dtype, batch, rows, cols);
            double gb = spec.graftBeta2();
            double[] eps = new double[batch];
            Arrays.fill(eps, spec.graftEps());
            switch (grafting) {
                case ADAGRAD -> diagonalUpdate(g, null, graftV, 0, 1, 1, 0.5, eps, d);
                case RMSPROP -> diagonalUpdate(g, null, graftV, 0, gb, 1 - gb, 0.5, eps, d);
                default -> {
                    double beta1 = spec.beta1();
                    double c1 = beta1 > 0 ? 1 - Math.pow(beta1, t) : 1;
                    double c2 = 1 - Math.pow(gb, t);
                    Arrays.fill(eps, spec.graftEps() * Math.sqrt(c2));
                    diagonalUpdate(g, graftM, graftV, beta1, gb, 1 - gb, 0.5, eps, d);
                    Arrays.fill(graftScale, Math.sqrt(c2) / c1);
                }
            }
        }
        if (!started) {
            System.arraycopy(graftScale, 0, scale, 0, batch);
            return d;
        }
        double[] pb = new double[size];
        double[] db = new double[size];
        for (int b = 0; b < batch; b++) {
            p.copyMatrixTo(b, pb, 0);
            d.copyMatrixTo(b, db, 0);
            double pn = Math.sqrt(sumOfSquares(pb));
            double dn = Math.sqrt(sumOfSquares(db)) * graftScale[b];
            scale[b] = pn > 0 ? dn / pn : 0;
        }
        return p;
    }

    private void apply(BatchedMatrix u, double[] scale, double lr) {
        double wd = spec.weightDecay();
        WeightDecayMode mode = spec.weightDecayMode();
        boolean decoupled = mode == WeightDecayMode.DECOUPLED && wd > 0;
        boolean after = mode == WeightDecayMode.DECOUPLED_AFTER_UPDATE && wd > 0;
        if (u.dtype() == DType.F32 && params.get(0).dtype() == DType.F32) {
            // Same arithmetic as the general loop below (double, rounded once on store), on the arrays directly.
            if (f32Scratch == null) {
                f32Scratch = new float[size];
            }
            float[] ub = f32Scratch;
            for (int b = 0; b < batch; b++) {
                float[] w = params.get(b).f32();
                u.floatBuffer().get(b * size, ub, 0, size);
                double s = lr * scale[b];
                for (int i = 0; i < size; i++) {
                    double x = w[i];
                    if (decoupled) {
                        x = x * (1 - lr * wd);
                    }
                    x = x - s * ub[i];
                    if (after) {
                        x = x + (-lr * wd) * x;
                    }
                    w[i] = (float) x;
                }
            }
            return;
        }
        double[] buf = new double[size];
        for (int b = 0; b < batch; b++) {
            Parameter p = params.get(b);
            u.copyMatrixTo(b, buf, 0);
            double s = lr * scale[b];
            for (int i = 0; i < size; i++) {
                double x = p.get(i);
                if (mode == WeightDecayMode.DECOUPLED && wd > 0) {
                    x = x * (1 - lr * wd);
                }
                x = x - s * buf[i];
                if (mode == WeightDecayMode.DECOUPLED_AFTER_UPDATE && wd > 0) {
                    x = x + (-lr * wd) * x;
                }
                p.set(i, x);
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
        for (int b = 1; b < batch; b++) {
            uniform &= eps[b] == eps[0];
        }
        if (uniform) {
            kernel.diagonalUpdate(g, first, second, beta1, beta2, gamma, exponent, eps[0], out);
            return;
        }
        for (int b = 0; b < batch; b++) {
            int[] one = {b};
            BatchedMatrix gb = gather(g, one);
            BatchedMatrix mb = first == null ? null : gather(first, one);
            BatchedMatrix vb = gather(second, one);
            BatchedMatrix ob = BatchedMatrix.zeros(dtype, 1, rows, cols);
            kernel.diagonalUpdate(gb, mb, vb, beta1, beta2, gamma, exponent, eps[b], ob);
            if (mb != null) {
                scatter(mb, one, first);
            }
            scatter(vb, one, second);
            scatter(ob, one, out);
        }
    }

    // ---- factors -----------------------------------------------------------------------------------------------

    private void updateFactors(BatchedMatrix g, Gradients gradients, boolean first) {
        double beta = spec.factorBeta();
        double alpha = beta == 1 ? 1 : 1 - beta;
        if (first && spec.factorInitFromFirst()) {
            beta = 0;
            alpha = 1;
        }
        if (role == Role.LAYER) {
            Parameter p = params.get(0);
            Gradients.LayerStatistics st = gradients.layer(p.name());
            int n = st.samples();
            BatchedMatrix a = statistics(st.inputs(), n, dims[1]);
            BatchedMatrix s = statistics(st.outputGradients(), n, dims[0]);
            kernel.accumulateFactor(s, false, beta, alpha / n, factor[0]);
            kernel.accumulateFactor(a, false, beta, alpha / n, factor[1]);
            return;
        }
        for (int k = 0; k < dims.length; k++) {
            if (!factored[k]) {
                continue;
            }
            if (dims.length <= 2) {
                kernel.accumulateFactor(g, k == 0, beta, alpha, factor[k]);
            } else {
                kernel.accumulateFactor(axisToFront(g, k), true, beta, alpha, factor[k]);
            }
        }
    }

    private BatchedMatrix statistics(double[] data, int samples, int width) {
        BatchedMatrix x = BatchedMatrix.of(data, 1, samples, width);
        return dtype == DType.F64 ? x : x.convert(dtype);
    }

    // ---- rotations ---------------------------------------------------------------------------------------------

    /**
     * G ×_k Q_kᵀ over the factored dims ({@code back}: ×_k Q_k); a new matrix, x untouched. Without factors the
     * projection is the identity and x itself is returned (callers only read it).
     */
    private BatchedMatrix project(BatchedMatrix x, boolean back) {
        if (!hasFactors()) {
            return x;
        }
        if (dims.length <= 2) {
            // One rotate call writing every entry of a reused scratch (one per direction: the forward result is
            // still read while the backward one is written).
            if (back && projectedScratch == null) {
                projectedScratch = BatchedMatrix.zeros(dtype, batch, rows, cols, placement);
            } else if (!back && rotatedScratch == null) {
                rotatedScratch = BatchedMatrix.zeros(dtype, batch, rows, cols, placement);
            }
            BatchedMatrix out = back ? projectedScratch : rotatedScratch;
            BatchedMatrix left = factored[0] ? basis[0] : null;
            BatchedMatrix right = dims.length == 2 && factored[1] ? basis[1] : null;
            kernel.rotate(left, !back, x, right, back, out);
            return out;
        }
        BatchedMatrix out = BatchedMatrix.zeros(dtype, batch, rows, cols);
        BatchedMatrix y = x;
        for (int k = 0; k < dims.length; k++) {
            if (factored[k]) {
                y = applyAlong(y, k, basis[k], !back);
            }
        }
        out.copyFrom(y);
        return out;
    }

    /** y = x ×_axis op(M) for every block (op(M) = Mᵀ when transpose): y[…, i, …] = Σ_p op(M)[i, p]·x[…, p, …]. */
    private BatchedMatrix applyAlong(BatchedMatrix x, int axis, BatchedMatrix mats, boolean transpose) {
        BatchedMatrix out = BatchedMatrix.zeros(dtype, batch, rows, cols);
        if (dims.length <= 2) {
            if (axis == 0) {
                kernel.rotate(mats, transpose, x, null, false, out);
            } else {
                kernel.rotate(null, false, x, mats, !transpose, out);
            }
            return out;
        }
        int d = dims[axis];
        BatchedMatrix front = axisToFront(x, axis);
        BatchedMatrix rotated = BatchedMatrix.zeros(dtype, batch, d, size / d);
        kernel.rotate(mats, transpose, front, null, false, rotated);
        double[] buf = new double[size];
        for (int b = 0; b < batch; b++) {
            rotated.copyMatrixTo(b, buf, 0);
            out.copyMatrixFrom(b, TensorLayout.moveFrontToAxis(buf, dims, axis), 0);
        }
        return out;
    }

    private BatchedMatrix axisToFront(BatchedMatrix x, int axis) {
        int d = dims[axis];
        BatchedMatrix front = BatchedMatrix.zeros(dtype, batch, d, size / d);
        double[] buf = new double[size];
        for (int b = 0; b < batch; b++) {
            x.copyMatrixTo(b, buf, 0);
            front.copyMatrixFrom(b, TensorLayout.moveAxisToFront(buf, dims, axis), 0);
        }
        return front;
    }

    // ---- diagonals ---------------------------------------------------------------------------------------------

    /** D for EIGENVALUE_ROOTS, KRONECKER_EIGENVALUES and EKFAC, B × rows × cols. */
    private BatchedMatrix denominators() {
        BatchedMatrix den = BatchedMatrix.zeros(dtype, batch, rows, cols);
        double[] buf = new double[size];
        if (diagonal == Diagonal.EIGENVALUE_ROOTS) {
            int order = 0;
            for (int k = 0; k < dims.length; k++) {
                if (factored[k] && role != Role.FIXED) {
                    order++;
                }
            }
            double e = spec.exponent() > 0 ? spec.exponent() : 1.0 / (2 * Math.max(order, 1));
            int[] strides = TensorLayout.strides(dims);
            for (int b = 0; b < batch; b++) {
                Arrays.fill(buf, 1);
                for (int k = 0; k < dims.length; k++) {
                    if (!factored[k] || role == Role.FIXED || role == Role.LAYER) {
                        continue;
                    }
                    double[] lambda = matrix(eig[k], b);
                    double[] root = new double[lambda.length];
                    for (int i = 0; i < root.length; i++) {
                        root[i] = Math.pow(Math.max(lambda[i], 0) + spec.eps(), e);
                    }
                    for (int i = 0; i < size; i++) {
                        buf[i] *= root[(i / strides[k]) % dims[k]];
                    }
                }
                den.copyMatrixFrom(b, buf, 0);
            }
            return den;
        }
        double[] curvature = new double[size];
        for (int b = 0; b < batch; b++) {
            undampedCurvature(b, curvature);
            double delta = damping(curvature);
            if (diagonal == Diagonal.KRONECKER_EIGENVALUES && spec.damping() == KfacDamping.FACTORED_TIKHONOV) {
                double[] ls = matrix(eig[0], b);
                double[] la = matrix(eig[1], b);
                double pi = piCorrection(b);
                double rootDelta = Math.sqrt(delta);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        double d = (Math.max(ls[i], 0) + rootDelta / pi) * (Math.max(la[j], 0) + pi * rootDelta);
                        buf[i * cols + j] = power(d);
                    }
                }
            } else {
                for (int i = 0; i < size; i++) {
                    buf[i] = power(Math.max(curvature[i], 0) + delta);
                }
            }
            den.copyMatrixFrom(b, buf, 0);
        }
        return den;
    }

    private double power(double x) {
        return spec.exponent() == 1 ? x : Math.pow(x, spec.exponent());
    }

    /** K-FAC λ_S,i·λ_A,j or EK-FAC s_ij of block b (row-major out × in), undamped. */
    private void undampedCurvature(int b, double[] out) {
        if (diagonal == Diagonal.EKFAC) {
            v.copyMatrixTo(b, out, 0);
            return;
        }
        double[] ls = matrix(eig[0], b);
        double[] la = matrix(eig[1], b);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = ls[i] * la[j];
            }
        }
    }

    private double damping(double[] curvature) {
        if (!Double.isNaN(spec.dampingValue())) {
            return spec.dampingValue();
        }
        double sum = 0;
        for (double c : curvature) {
            sum += Math.max(c, 0);
        }
        return Math.max(0.1 * sum / curvature.length, DAMPING_FLOOR);
    }

    /** π = √((tr A/dim A)/(tr S/dim S)), 1 when either trace is 0. */
    private double piCorrection(int b) {
        double[] s = matrix(factor[0], b);
        double[] a = matrix(factor[1], b);
        double trS = 0;
        double trA = 0;
        for (int i = 0; i < rows; i++) {
            trS += s[i * rows + i];
        }
        for (int j = 0; j < cols; j++) {
            trA += a[j * cols + j];
        }
        return trS > 0 && trA > 0 ? Math.sqrt((trA / cols) / (trS / rows)) : 1;
    }

    /** EK-FAC: s ← β·s + (1 − β)·(1/N) Σ_n (Q_Sᵀ g_n)² (Q_Aᵀ a_n)ᵀ², or s = that batch estimate when age = 1. */
    private void updateCorrectedEigenvalues(Gradients gradients) {
        Parameter p = params.get(0);
        Gradients.LayerStatistics st = gradients.layer(p.name());
        double[] sBatch = perSampleSecondMoment(st, 0);
        double[] old = matrix(v, 0);
        double beta = spec.beta2();
        for (int i = 0; i < size; i++) {
            old[i] = age[0] <= 1 ? sBatch[i] : beta * old[i] + (1 - beta) * sBatch[i];
        }
        v.copyMatrixFrom(0, old, 0);
    }

    /** (1/N) Σ_n (Q_Sᵀ g_n)_i² (Q_Aᵀ a_n)_j² in the current basis of block b. */
    private double[] perSampleSecondMoment(Gradients.LayerStatistics st, int b) {
        int n = st.samples();
        BatchedMatrix gs = BatchedMatrix.zeros(dtype, 1, n, rows);
        BatchedMatrix as = BatchedMatrix.zeros(dtype, 1, n, cols);
        kernel.rotate(null, false, statistics(st.outputGradients(), n, rows), gather(basis[0], new int[] {b}), false, gs);
        kernel.rotate(null, false, statistics(st.inputs(), n, cols), gather(basis[1], new int[] {b}), false, as);
        double[] gr = gs.toDoubleArray();
        double[] ar = as.toDoubleArray();
        double[] s = new double[size];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < rows; i++) {
                double gi = gr[k * rows + i];
                double gi2 = gi * gi;
                for (int j = 0; j < cols; j++) {
                    double aj = ar[k * cols + j];
                    s[i * cols + j] += gi2 * (aj * aj);
                }
            }
        }
        for (int i = 0; i < size; i++) {
            s[i] /= n;
        }
        return s;
    }

    // ---- refresh -----------------------------------------------------------------------------------------------

    private void refresh() {
        for (int k = 0; k < dims.length; k++) {
            if (!factored[k]) {
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
        int d = dims[k];
        int[] all = range(batch);
        double[][] newQ = new double[batch][];
        double[][] newEig = new double[batch][];
        String[] why = new String[batch];
        BatchedMatrix f = gather(factor[k], all);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < d; i++) {
                f.set(b, i, i, f.get(b, i, i) + EIGH_SHIFT);
            }
        }
        decompose(f, all, newQ, newEig, why);
        int[] failed = failedOf(newQ);
        if (failed.length > 0 && dtype == DType.F32) {
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
        commit(k, newQ, newEig, why);
    }

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
        double[][] newQ = new double[batch][];
        double[][] newEig = new double[batch][];
        String[] why = new String[batch];
        BatchedMatrix permutation = identities(dims[k]);
        try (RefreshResult probe = refresher.refresh(factor[k], basis[k], 0)) {
            BatchedMatrix sorted = sortColumns(k, probe.rayleigh(), range(batch), basis[k], permutation);
            try (RefreshResult r = refresher.refresh(factor[k], sorted, 1)) {
                for (int b = 0; b < batch; b++) {
                    double[] q = matrix(r.basis(), b);
                    double[] e = matrix(r.rayleigh(), b);
                    lastOff[k * batch + b] = Double.doubleToRawLongBits(r.offDiagonal(b));
                    if (allFinite(q) && allFinite(e)) {
                        newQ[b] = q;
                        newEig[b] = e;
                        iterations[k * batch + b]++;
                    } else {
                        why[b] = "QR refresh returned non-finite values";
                    }
                }
            }
        } catch (RuntimeException e) {
            Arrays.fill(newQ, null);
            Arrays.fill(why, "QR refresh failed: " + e.getMessage());
        }
        commit(k, newQ, newEig, why, all(), permutation);
    }

    /** Purifying Shampoo: blocks whose off-diagonal error exceeds τ get QR iterations until it falls below τ. */
    private void adaptiveRefresh(int k) {
        double tau = spec.tolerance();
        double[][] newQ = new double[batch][];
        double[][] newEig = new double[batch][];
        String[] why = new String[batch];
        boolean[] touched = new boolean[batch];
        BatchedMatrix permutation = identities(dims[k]);
        try (RefreshResult probe = refresher.refresh(factor[k], basis[k], 0)) {
            int[] need = java.util.stream.IntStream.range(0, batch).filter(b -> probe.offDiagonal(b) > tau).toArray();
            for (int b = 0; b < batch; b++) {
                lastOff[k * batch + b] = Double.doubleToRawLongBits(probe.offDiagonal(b));
                if (probe.offDiagonal(b) <= tau) {
                    skipped[k * batch + b]++;
                } else {
                    touched[b] = true;
                }
            }
            if (need.length == 0) {
                return;
            }
            BatchedMatrix q = sortColumns(k, probe.rayleigh(), need, gather(basis[k], need), permutation);
            // Each block iterates until its own error is ≤ τ, independently of the others in the batch (a block
            // that converged leaves the active set), so batching never changes a block's result.
            double[][] lastQ = new double[need.length][];
            double[][] lastE = new double[need.length][];
            int[] active = range(need.length);
            for (int it = 0; it < spec.maxIterations() && active.length > 0; it++) {
                int[] blocks = new int[active.length];
                for (int i = 0; i < active.length; i++) {
                    blocks[i] = need[active[i]];
                }
                BatchedMatrix qa = it == 0 ? q : gatherRows(lastQ, active, dims[k]);
                try (RefreshResult r = refresher.refresh(gather(factor[k], blocks), qa, 1)) {
                    int[] still = new int[active.length];
                    int count = 0;
                    for (int i = 0; i < active.length; i++) {
                        int b = need[active[i]];
                        iterations[k * batch + b]++;
                        lastOff[k * batch + b] = Double.doubleToRawLongBits(r.offDiagonal(i));
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
        } catch (RuntimeException e) {
            Arrays.fill(newQ, null);
            Arrays.fill(why, "QR refresh failed: " + e.getMessage());
            Arrays.fill(touched, true);
        }
        commit(k, newQ, newEig, why, touched, permutation);
    }

    /**
     * For blocks {@code which}: their bases (q, one matrix per entry of which) with columns in descending order of
     * the Rayleigh quotients (stable: ties keep their order) unless the policy is KEEP. The permutation matrices
     * P (Q_sorted = Q P) are written into {@code permutation} at the blocks' indices, for {@link #commit}.
     */
    private BatchedMatrix sortColumns(int k, BatchedMatrix rayleigh, int[] which, BatchedMatrix q,
                                      BatchedMatrix permutation) {
        if (spec.basisChange() == BasisChangePolicy.KEEP) {
            return q;
        }
        int d = dims[k];
        BatchedMatrix sorted = BatchedMatrix.zeros(dtype, which.length, d, d);
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

    private boolean[] all() {
        boolean[] touched = new boolean[batch];
        Arrays.fill(touched, true);
        return touched;
    }

    private void commit(int k, double[][] newQ, double[][] newEig, String[] why) {
        commit(k, newQ, newEig, why, all(), null);
    }

    /**
     * Adopts the new bases of dim k (null entries: the refresh failed, the previous basis is kept), carries the
     * first moment over exactly (M ← M ×_k Rᵀ, R = QᵀQ'), applies the basis-change policy to V (PERMUTE: the
     * column permutation of the refresh, if any), and counts.
     */
    private void commit(int k, double[][] newQ, double[][] newEig, String[] why, boolean[] touched,
                        BatchedMatrix permutation) {
        int d = dims[k];
        boolean any = false;
        for (int b = 0; b < batch; b++) {
            if (!touched[b]) {
                continue;
            }
            int c = k * batch + b;
            if (newQ[b] == null) {
                failures[c]++;
                consecutive[c]++;
                if (consecutive[c] >= spec.maxConsecutiveFailures()) {
                    throw new PreconditionerFailureException(spec.name() + ": the basis of parameter '"
                            + params.get(b).name() + "' along dim " + k + " (size " + d + ") failed " + consecutive[c]
                            + " times in a row (maxConsecutiveFailures = " + spec.maxConsecutiveFailures()
                            + "); last cause: " + why[b]);
                }
            } else {
                consecutive[c] = 0;
                refreshes[c]++;
                any = true;
            }
        }
        if (!any) {
            return;
        }
        BatchedMatrix proposed = BatchedMatrix.zeros(dtype, batch, d, d);
        proposed.copyFrom(basis[k]);
        for (int b = 0; b < batch; b++) {
            if (newQ[b] != null) {
                proposed.copyMatrixFrom(b, newQ[b], 0);
                eig[k].copyMatrixFrom(b, newEig[b], 0);
            }
        }
        BatchedMatrix r = BatchedMatrix.zeros(dtype, batch, d, d);
        kernel.rotate(basis[k], true, proposed, null, false, r);
        double[] identity = matrix(identities(d), 0);
        for (int b = 0; b < batch; b++) {
            if (newQ[b] == null) {
                r.copyMatrixFrom(b, identity, 0);
            }
        }
        if (m != null) {
            m.copyFrom(applyAlong(m, k, r, true));
        }
        if (v != null) {
            switch (spec.basisChange()) {
                case PERMUTE -> {
                    if (permutation != null) {
                        for (int b = 0; b < batch; b++) {
                            if (newQ[b] == null) {
                                permutation.copyMatrixFrom(b, identity, 0);
                            }
                        }
                        v.copyFrom(applyAlong(v, k, permutation, true));
                    }
                }
                case ROTATE -> {
                    BatchedMatrix squared = BatchedMatrix.zeros(dtype, batch, d, d);
                    double[] buf = new double[d * d];
                    for (int b = 0; b < batch; b++) {
                        r.copyMatrixTo(b, buf, 0);
                        for (int i = 0; i < buf.length; i++) {
                            buf[i] *= buf[i];
                        }
                        squared.copyMatrixFrom(b, buf, 0);
                    }
                    v.copyFrom(applyAlong(v, k, squared, true));
                }
                case RESET -> {
                    double[] zeros = new double[size];
                    for (int b = 0; b < batch; b++) {
                        if (newQ[b] != null) {
                            v.copyMatrixFrom(b, zeros, 0);
                            age[b] = 0;
                        }
                    }
                }
                default -> {
                }
            }
        }
        basis[k].copyFrom(proposed);
    }

    // ---- reports, state ----------------------------------------------------------------------------------------

    /** Frees the state and scratch (off-heap memory on native backends). Idempotent. */
    void close() {
        for (BatchedMatrix[] all : new BatchedMatrix[][] {factor, basis, eig,
                {m, v, graftM, graftV, gradientScratch, outputScratch, rotatedScratch, projectedScratch}}) {
            for (BatchedMatrix x : all) {
                if (x != null) {
                    x.close();
                }
            }
        }
    }

    void report(List<RefreshReport> out) {
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < dims.length; k++) {
                if (factored[k] && role != Role.FIXED) {
                    int c = k * batch + b;
                    out.add(new RefreshReport(params.get(b).name(), k, dims[k], refreshes[c], skipped[c],
                            iterations[c], failures[c], consecutive[c], Double.longBitsToDouble(lastOff[c])));
                }
            }
        }
    }

    /** The live state, by stable key, for save and load: BatchedMatrix or long[]. */
    void collectState(String prefix, Map<String, Object> out) {
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

    /**
     * The dense curvature approximation of a K-FAC/EK-FAC layer (block 0), (out·in)², row-major over vec(W)
     * with vec(W)[i·in + j] = W_ij: (Q_S ⊗ Q_A) diag(c) (Q_S ⊗ Q_A)ᵀ, c = λ_S,i·λ_A,j (K-FAC) or s_ij (EK-FAC),
     * undamped. Cost (out·in)³.
     */
    double[] curvature() {
        double[] c = new double[size];
        undampedCurvature(0, c);
        double[] qs = matrix(basis[0], 0);
        double[] qa = matrix(basis[1], 0);
        int n = size;
        double[] z = new double[n * n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                for (int p = 0; p < rows; p++) {
                    for (int q = 0; q < cols; q++) {
                        z[(i * cols + j) * n + p * cols + q] = qs[i * rows + p] * qa[j * cols + q];
                    }
                }
            }
        }
        double[] out = new double[n * n];
        for (int x = 0; x < n; x++) {
            for (int y = 0; y <= x; y++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += z[x * n + k] * c[k] * z[y * n + k];
                }
                out[x * n + y] = s;
                out[y * n + x] = s;
            }
        }
        return out;
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private BatchedMatrix identities(int d) {
        BatchedMatrix id = BatchedMatrix.zeros(dtype, batch, d, d);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < d; i++) {
                id.set(b, i, i, 1);
            }
        }
        return id;
    }

    private BatchedMatrix gatherRows(double[][] matrices, int[] which, int d) {
        BatchedMatrix out = BatchedMatrix.zeros(dtype, which.length, d, d);
        for (int i = 0; i < which.length; i++) {
            out.copyMatrixFrom(i, matrices[which[i]], 0);
        }
        return out;
    }

    static BatchedMatrix gather(BatchedMatrix x, int[] which) {
        BatchedMatrix out = BatchedMatrix.zeros(x.dtype(), which.length, x.rows(), x.cols());
        double[] buf = new double[x.matrixSize()];
        for (int i = 0; i < which.length; i++) {
            x.copyMatrixTo(which[i], buf, 0);
            out.copyMatrixFrom(i, buf, 0);
        }
        return out;
    }

    static void scatter(BatchedMatrix src, int[] which, BatchedMatrix dst) {
        double[] buf = new double[src.matrixSize()];
        for (int i = 0; i < which.length; i++) {
            src.copyMatrixTo(i, buf, 0);
            dst.copyMatrixFrom(which[i], buf, 0);
        }
    }

    static double[] matrix(BatchedMatrix x, int b) {
        double[] buf = new double[x.matrixSize()];
        x.copyMatrixTo(b, buf, 0);
        return buf;
    }

    private static int[] range(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    private static int[] failedOf(double[][] q) {
        return java.util.stream.IntStream.range(0, q.length).filter(i -> q[i] == null).toArray();
    }

    static boolean allFinite(double[] x) {
        for (double y : x) {
            if (!Double.isFinite(y)) {
                return false;
            }
        }
        return true;
    }

    static double sumOfSquares(double[] x) {
        double s = 0;
        for (double y : x) {
            s += y * y;
        }
        return s;
    }
}
